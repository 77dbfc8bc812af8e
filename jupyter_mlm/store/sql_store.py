"""The store on a SQL database (SQLite or PostgreSQL) through SQLAlchemy Core: one engine shared
by the repositories, and the writes that span aggregates (archive, purge) in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update

from . import engine as db
from .base import Store
from .blobs import BlobStore
from .migrate import ensure_schema
from .schema import BLOB_REFERENCES, comments, experiments, metric_blocks, metric_summaries, runs
from .sql_checkpoints import SqlCheckpoints
from .sql_chunks import SqlChunks
from .sql_comments import SqlComments
from .sql_datasets import SqlDatasets
from .sql_experiments import SqlExperiments
from .sql_files import SqlFiles
from .sql_metrics import SqlMetrics
from .sql_queries import SqlQueries
from .sql_runs import SqlRuns

LIFECYCLES = ("active", "archived")


class SqlStore(Store):
    def __init__(self, uri: str, blobs: BlobStore) -> None:
        self.uri = uri
        self.blobs = blobs
        self.engine = db.make_engine(uri)
        ensure_schema(self.engine)
        self.experiments = SqlExperiments(self.engine)
        self.runs = SqlRuns(self.engine, self.experiments)
        self.metrics = SqlMetrics(self.engine)
        self.queries = SqlQueries(self.engine)
        self.checkpoints = SqlCheckpoints(self.engine)
        self.chunks = SqlChunks(self.engine)
        self.comments = SqlComments(self.engine, self._require_target)
        self.datasets = SqlDatasets(self.engine)
        self.files = SqlFiles(self.engine, blobs)

    def __repr__(self) -> str:
        return f"<SqlStore {db.describe(self.engine)}>"

    def close(self) -> None:
        self.engine.dispose()

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
        if kind == "experiment":
            self.experiments.forget()
        return len(ids)

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

    def _target(self, kind: str, ident: str) -> tuple[Any, Any]:
        if kind == "run":
            self.runs.get(ident)
            return runs, runs.c.run_id
        if kind == "experiment":
            self.experiments.get(ident)
            return experiments, experiments.c.experiment_id
        raise ValueError(f"kind must be 'run' or 'experiment', got {kind!r}")

    def _require_target(self, kind: str, ident: str) -> None:
        """A comment's target exists (``NotFoundError`` otherwise); models are the registry's."""
        if kind == "run":
            self.runs.get(ident)
        elif kind == "checkpoint":
            self.checkpoints.get(ident)
        elif kind == "experiment":
            self.experiments.get(ident)
