"""``mlm cost`` (what runs cost, and the total) and ``mlm advice`` (how they could cost
less, from their own samples)."""

from __future__ import annotations

import argparse
import json

from ..core.text import table
from .opening import open_from


def _views(args: argparse.Namespace) -> list:  # list[RunView]
    from ..tracking.reading import RunView

    _, st = open_from(args)
    ids = [st.experiments.get(args.experiment).experiment_id] if args.experiment else None
    found = st.queries.search(ids, where=args.where, limit=args.limit, include_archived=args.all)
    return [RunView.of(info, st) for info in found]


def _money(amount: float | None) -> str:
    return (
        "-"
        if amount is None
        else f"{amount:.2f}"
        if amount >= 0.01 or amount == 0
        else f"{amount:.4f}"
    )


def cost_command(args: argparse.Namespace) -> int:
    from ..tracking.cost_reading import cost_report

    report = cost_report(_views(args), hourly=args.hourly)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
        return 0
    rows = [["RUN ID", "NAME", "STATUS", "HOURS", "USD/H", "SHARE", "COST USD", "PRICE"]]
    for r in report.rows:
        c = r.cost
        share = f"cpu {c.fraction:.1%}" if c.share == "cpu" and c.fraction is not None else c.share
        price = c.source if c.amount is not None else f"unknown: {c.reason}"
        if c.machine and c.amount is not None:
            price = f"{c.machine}, {price}"
        hourly = "-" if c.hourly is None else f"{c.hourly:g}"
        rows.append([r.run_id, r.name, r.status, f"{c.hours:.3f}", hourly, share,
                     _money(c.amount), price or ""])  # fmt: skip
    print(table(rows))
    line = f"total ${report.total:.2f} over {report.priced} run(s) with a price"
    print(line + (f"; {report.unpriced} without one" if report.unpriced else ""))
    return 0


def advice_command(args: argparse.Namespace) -> int:
    views = _views(args)
    found = [(v, v.advice()) for v in views]
    if args.json:
        out = [{"run_id": v.run_id, "name": v.name, "experiment": v.experiment,
                "advice": [a.to_dict() for a in advice]} for v, advice in found]  # fmt: skip
        print(json.dumps(out, indent=2))
        return 0
    rows = [["RUN ID", "NAME", "KIND", "SAVES USD", "ADVICE"]]
    for v, advice in found:
        for a in advice:
            why = f" [no saving figure: {a.saving_reason}]" if a.saving_reason else ""
            rows.append([v.run_id, v.name, a.kind, _money(a.saving_total), a.message + why])
    advised = sum(1 for _, advice in found if advice)
    if advised:
        print(table(rows))
    print(f"{len(rows) - 1} piece(s) of advice for {advised} of {len(views)} run(s)")
    return 0
