"""``mlm runs``, ``mlm show`` and archiving, restoring or deleting runs and experiments."""

from __future__ import annotations

import argparse
import sys

from ..core.text import number, table, when
from .opening import open_from


def runs_command(args: argparse.Namespace) -> int:
    _, st = open_from(args)
    ids = [st.experiments.get(args.experiment).experiment_id] if args.experiment else None
    found = st.queries.search(
        ids, where=args.where, order_by=args.order_by, limit=args.limit, include_archived=args.all
    )
    rows = [["RUN ID", "EXPERIMENT", "NAME", "STATUS", "STARTED", "METRICS"]]
    for r in found:
        metrics = ", ".join(f"{k}={number(m.last)}" for k, m in sorted(r.metrics.items())[:4])
        rows.append([r.run_id, r.experiment, r.name, r.status, when(r.start_time), metrics])
    print(table(rows))
    print(f"{len(found)} run(s)")
    return 0


def show_command(args: argparse.Namespace) -> int:
    _, st = open_from(args)
    r = st.runs.get(args.run_id)
    print(f"run        {r.run_id}  ({r.name})")
    print(f"experiment {r.experiment}")
    print(f"status     {r.status}{'  [archived]' if r.lifecycle == 'archived' else ''}")
    print(f"started    {when(r.start_time)} by {r.user} on {r.host} (pid {r.pid})")
    if r.end_time is not None:
        print(f"ended      {when(r.end_time)} after {r.end_time - r.start_time:.1f} s")
    if r.parent_run_id:
        print(f"parent     {r.parent_run_id}")
    for title, items in (("params", r.params), ("tags", r.tags)):
        if items:
            print(f"{title}:")
            for k, v in sorted(items.items()):
                print(f"  {k} = {v!r}")
    if r.metrics:
        print("metrics:            last        min         max         points")
        for k, m in sorted(r.metrics.items()):
            print(
                f"  {k:<16} {number(m.last):>10}  {number(m.min):>10}  {number(m.max):>10}  {m.count:>8}"
            )
    for a in st.files.artifacts(r.run_id):
        print(f"artifact   {a.name} ({a.size} bytes, blob {a.blob_id[:12]}…)")
    for kind, blobs in (("text", st.files.texts(r.run_id)), ("image", st.files.images(r.run_id))):
        for b in blobs:
            print(f"{kind:<10} {b.name} (blob {b.blob_id[:12]}…)")
    if r.error:
        print("error:\n" + r.error.rstrip())
    return 0


def lifecycle_command(args: argparse.Namespace) -> int:
    _, st = open_from(args)
    ident = args.ident if args.kind == "run" else st.experiments.get(args.ident).experiment_id
    if args.action == "delete":
        if not args.yes:
            if not sys.stdin.isatty():
                print("mlm: error: delete needs --yes when not run interactively", file=sys.stderr)
                return 1
            if (
                input(
                    f"permanently delete {args.kind} {args.ident} and all it logged? [y/N] "
                ).lower()
                != "y"
            ):
                return 1
        n = st.purge(args.kind, ident)
        print(f"deleted {args.kind} {args.ident} ({n} run(s)); run 'mlm gc' to free blob space")
    else:
        st.set_lifecycle(args.kind, ident, "archived" if args.action == "archive" else "active")
        print(f"{args.action}d {args.kind} {args.ident}")
    return 0
