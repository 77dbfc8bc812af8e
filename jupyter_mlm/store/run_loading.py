"""Reading runs with their params, tags and metric summaries, and the liveness check that
turns a run whose process is gone into ``crashed``."""

from __future__ import annotations

import json
import time
import warnings
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection, Engine

from ..core.entities import MetricSummary, RunInfo
from ..core.errors import NotFoundError
from . import engine as db
from . import liveness
from .schema import experiments, metric_summaries, params, runs
from .schema import tags as tags_t


def load_runs(engine: Engine, run_ids: list[str]) -> list[RunInfo]:
    """The runs with these ids (missing ids are left out), in no particular order."""
    if not run_ids:
        return []
    r, e = runs.c, experiments.c
    out, dead = [], []
    now = time.time()
    with db.read(engine, "read runs") as conn:
        run_params = params_of(conn, run_ids)
        rows: list[Any] = []
        run_tags: dict[str, dict[str, str]] = {}
        sums: dict[str, dict[str, MetricSummary]] = {}
        for chunk in chunks(run_ids):
            rows += conn.execute(
                select(runs, e.name.label("experiment"))
                .join(experiments, e.experiment_id == r.experiment_id)
                .where(r.run_id.in_(chunk))
            ).all()
            for t in conn.execute(select(tags_t).where(tags_t.c.run_id.in_(chunk))):
                run_tags.setdefault(t.run_id, {})[t.key] = t.value
            for s in conn.execute(
                select(metric_summaries).where(metric_summaries.c.run_id.in_(chunk))
            ):
                sums.setdefault(s.run_id, {})[s.key] = _summary(s)
    for row in rows:
        status = row.status
        if status == "running" and liveness.is_dead(
            row.host, row.pid, row.pid_started, row.heartbeat_at, now
        ):
            status = "crashed"
            dead.append((row.run_id, row.heartbeat_at))
        out.append(
            RunInfo(
                run_id=row.run_id,
                experiment_id=row.experiment_id,
                experiment=row.experiment,
                name=row.name,
                status=status,
                start_time=row.start_time,
                end_time=row.heartbeat_at
                if status == "crashed" and row.end_time is None
                else row.end_time,
                parent_run_id=row.parent_run_id,
                user=row.user,
                host=row.host,
                pid=row.pid,
                error=row.error,
                lifecycle=row.lifecycle,
                params=run_params.get(row.run_id, {}),
                tags=run_tags.get(row.run_id, {}),
                metrics=sums.get(row.run_id, {}),
            )
        )
    if dead:
        _mark_crashed(engine, dead)
    return out


def _mark_crashed(engine: Engine, dead: list[tuple[str, float]]) -> None:
    """Record what readers already see; a read-only store just keeps reporting it."""
    try:
        with db.write(engine, "mark crashed runs") as conn:
            for run_id, hb in dead:
                conn.execute(
                    update(runs)
                    .where(
                        runs.c.run_id == run_id,
                        runs.c.status == "running",
                        runs.c.heartbeat_at == hb,
                    )
                    .values(status="crashed", end_time=hb)
                )
    except Exception as err:
        warnings.warn(
            f"jupyter-mlm: could not record crashed runs: {err}", RuntimeWarning, stacklevel=3
        )


def _summary(row: Any) -> MetricSummary:
    nan = float("nan")
    return MetricSummary(
        key=row.key,
        last=nan if row.last is None else row.last,
        last_step=row.last_step,
        last_time=row.last_time,
        min=nan if row.min is None else row.min,
        max=nan if row.max is None else row.max,
        count=row.count,
        sum=nan if row.sum is None else row.sum,
    )


def params_of(conn: Connection, run_ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for chunk in chunks(run_ids):
        for row in conn.execute(
            select(params.c.run_id, params.c.key, params.c.value).where(params.c.run_id.in_(chunk))
        ):
            out.setdefault(row.run_id, {})[row.key] = parse_json(row.value)
    return out


def parse_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def chunks(ids: list[str], size: int = 900) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


_RUN_EXISTS = select(runs.c.run_id).where(runs.c.run_id == bindparam("b_run_id"))


def require_run(conn: Connection, run_id: str, what: str = "run") -> None:
    """Raise ``NotFoundError`` unless the run exists."""
    if conn.execute(_RUN_EXISTS, {"b_run_id": run_id}).first() is None:
        raise NotFoundError(f"no {what} with id {run_id!r} in store {db.describe(conn.engine)}")
