"""The read model over runs in SQL: searches, leaderboards (per experiment or per notebook),
pages with their totals, run counts, and which runs used which datasets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from ..core.entities import LeaderboardRow, RunInfo
from . import engine as db
from . import search
from .filters import Condition, Field, condition_sql
from .run_loading import chunks, load_runs
from .run_repositories import QueryRepository, Where
from .schema import run_datasets, runs


class SqlQueries(QueryRepository):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def search(
        self,
        experiment_ids: list[str] | None = None,
        *,
        where: Where = None,
        order_by: str | list[str] | None = None,
        limit: int | None = None,
        include_archived: bool = False,
        dataset: str | None = None,
    ) -> list[RunInfo]:
        with db.read(self.engine, "search runs") as conn:
            ids = search.search_run_ids(
                conn, experiment_ids, where, order_by, limit, include_archived, dataset
            )
        return self._in_order(ids)

    def leaderboard(
        self,
        experiment_id: str,
        metric: str,
        *,
        goal: str = "max",
        agg: str = "last",
        where: Where = None,
        group_by: list[str] | None = None,
        limit: int | None = 10,
        notebook: tuple[str, str] | None = None,
    ) -> list[LeaderboardRow]:
        with db.read(self.engine, "read the leaderboard") as conn:
            return search.leaderboard(
                conn, experiment_id, metric, goal=goal, agg=agg, where=where,
                group_by=group_by, limit=limit, notebook=notebook,
            )  # fmt: skip

    def page(
        self,
        experiment_ids: list[str] | None = None,
        *,
        where: Where = None,
        order_by: str | list[str] | None = None,
        limit: int = 100,
        offset: int = 0,
        status: str | None = None,
        notebook: tuple[str, str] | None = None,
        include_archived: bool = False,
    ) -> tuple[list[RunInfo], int]:
        extra = []
        if status is not None:
            extra.append(condition_sql(Condition(Field("attr", "status"), "=", status)))
        if notebook is not None:
            extra.append(search.notebook_condition(*notebook))
        cond = and_(*extra) if extra else None
        with db.read(self.engine, "search runs") as conn:
            ids = search.search_run_ids(
                conn, experiment_ids, where, order_by, limit, include_archived,
                offset=offset, extra=cond,
            )  # fmt: skip
            total = search.count_runs(conn, experiment_ids, where, include_archived, extra=cond)
        return self._in_order(ids), total

    def run_counts(self) -> dict[str, int]:
        r = runs.c
        with db.read(self.engine, "count runs") as conn:
            rows = conn.execute(
                select(r.experiment_id, func.count())
                .where(r.lifecycle == "active")
                .group_by(r.experiment_id)
            ).all()
        return {row[0]: int(row[1]) for row in rows}

    def dataset_runs(
        self, run_ids: Sequence[str] | None = None
    ) -> dict[tuple[str, str], list[str]]:
        d = run_datasets.c
        query = select(d.content_id, d.name, d.run_id).order_by(d.created_at)
        out: dict[tuple[str, str], list[str]] = {}
        with db.read(self.engine, "read dataset lineage") as conn:
            parts: list[Any] = [None] if run_ids is None else chunks(list(run_ids))
            for part in parts:
                q = query if part is None else query.where(d.run_id.in_(part))
                for row in conn.execute(q):
                    used = out.setdefault((row.content_id, row.name), [])
                    if row.run_id not in used:
                        used.append(row.run_id)
        return out

    def _in_order(self, ids: list[str]) -> list[RunInfo]:
        found = {r.run_id: r for r in load_runs(self.engine, ids)}
        return [found[i] for i in ids if i in found]
