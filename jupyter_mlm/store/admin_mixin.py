"""Comments, archiving, purging and statistics: the housekeeping part of ``SqlStore``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine

from ..core.entities import Experiment, RunInfo
from . import engine as db
from .repositories import CheckpointRepository
from .schema import BLOB_REFERENCES, comments, experiments, metric_blocks, metric_summaries, runs

LIFECYCLES = ("active", "archived")


class AdminMixin:
    """Part of ``SqlStore``; relies on its ``engine``, ``get_run`` and ``get_experiment``."""

    engine: Engine
    get_run: Callable[[str], RunInfo]
    get_experiment: Callable[[str], Experiment]
    checkpoints: CheckpointRepository

    # lifecycle ----------------------------------------------------------------------------
    def set_lifecycle(self, kind: str, ident: str, lifecycle: str) -> None:
        if lifecycle not in LIFECYCLES:
            raise ValueError(f"lifecycle must be one of {LIFECYCLES}, got {lifecycle!r}")
        table, col = self._target(kind, ident)
        with db.write(self.engine, f"{lifecycle} {kind} {ident}") as conn:
            conn.execute(update(table).where(col == ident).values(lifecycle=lifecycle))

    def purge(self, kind: str, ident: str) -> int:
        table, col = self._target(kind, ident)
        with db.write(self.engine, f"delete {kind} {ident}") as conn:
            if kind == "run":
                ids = [ident]
            else:
                ids = list(
                    conn.execute(
                        select(runs.c.run_id).where(runs.c.experiment_id == ident)
                    ).scalars()
                )
            conn.execute(delete(comments).where(comments.c.target_id.in_([*ids, ident])))
            conn.execute(delete(table).where(col == ident))
        return len(ids)

    def _target(self, kind: str, ident: str):
        if kind == "run":
            self.get_run(ident)
            return runs, runs.c.run_id
        if kind == "experiment":
            self.get_experiment(ident)
            return experiments, experiments.c.experiment_id
        raise ValueError(f"kind must be 'run' or 'experiment', got {kind!r}")

    def referenced_blobs(self) -> set[str]:
        with db.read(self.engine, "list referenced blobs") as conn:
            return {
                bid
                for table, col in BLOB_REFERENCES
                for bid in conn.execute(select(table.c[col]).distinct()).scalars()
            }

    def stats(self) -> dict[str, Any]:
        with db.read(self.engine, "read store statistics") as conn:
            count = lambda t: conn.execute(select(func.count()).select_from(t)).scalar_one()  # noqa: E731
            points = conn.execute(
                select(func.coalesce(func.sum(metric_summaries.c.count), 0))
            ).scalar_one()
            return {
                "experiments": count(experiments),
                "runs": count(runs),
                "metric_points": int(points),
                "metric_blocks": count(metric_blocks),
            }
