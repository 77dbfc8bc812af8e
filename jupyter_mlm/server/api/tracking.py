"""Experiments, runs (filtered, ordered, paginated), a run, its metric history (downsampled on
request) and leaderboards."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.errors import NotFoundError
from ...core.validation import RUN_STATUSES, check_key
from ...store.base import Store
from ...store.search import AGGS, GOALS
from . import inputs, shapes
from .base import MAX_LIMIT, MlmHandler

MAX_POINTS = 100_000


class ExperimentsHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        def work() -> list[dict[str, Any]]:
            store = self.store_at()
            counts = store.queries.run_counts()
            return [
                shapes.experiment(e, counts.get(e.experiment_id, 0))
                for e in store.experiments.list()
            ]

        self.reply({"experiments": await self.blocking(work)})


class RunsHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        experiment = self.arg("experiment", 250)
        notebook = self.notebook_arg()
        status = self.choice_arg("status", RUN_STATUSES, None)
        where = self.arg("filter", inputs.MAX_FILTER)
        order_by = self.arg("order_by", inputs.MAX_ORDER)
        limit, offset = self.page_args()

        def work() -> tuple[list[Any], int]:
            store = self.store_at(notebook)
            return store.queries.page(
                experiment_ids(store, experiment),
                where=where,
                order_by=order_by,
                limit=limit,
                offset=offset,
                status=status,
                notebook=None if notebook is None else self.notebook_ref(notebook),
            )

        runs, total = await self.blocking(work)
        self.reply(
            {
                "runs": [shapes.run(r) for r in runs],
                "total": total,
                "next_offset": inputs.next_offset(offset, len(runs), total),
            }
        )


class RunHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        inputs.hex_id(run_id, "run")

        def work() -> dict[str, Any]:
            store = self.store_at()
            return shapes.run_detail(store.runs.get(run_id), store.datasets.uses(run_id=run_id))

        self.reply(await self.blocking(work))


class MetricHistoryHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self, run_id: str, key: str) -> None:
        inputs.hex_id(run_id, "run")
        check_key(key, "metric")
        points = self.int_arg("points", 2, MAX_POINTS, 0) or None

        def work() -> dict[str, Any]:  # opening the store, reading and downsampling block
            return metric_history(self.store_at(), run_id, key, points)

        self.reply(await self.blocking(work))


class LeaderboardHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        experiment = inputs.required(self.arg("experiment", 250), "experiment")
        metric = check_key(inputs.required(self.arg("metric", 250), "metric"))
        mode = self.choice_arg("mode", GOALS, "max") or "max"
        agg = self.choice_arg("agg", AGGS, "last") or "last"
        group_by = [check_key(k.strip(), "group_by param") for k in self.arg_list("group_by")]
        where = self.arg("filter", inputs.MAX_FILTER)
        notebook = self.notebook_arg()
        limit = self.int_arg("limit", 1, MAX_LIMIT, 10)

        def work() -> dict[str, Any]:
            store = self.store_at(notebook)
            exp = store.experiments.get(experiment)
            options: dict[str, Any] = dict(
                goal=mode, agg=agg, where=where, group_by=group_by or None, limit=limit
            )
            if notebook is None:
                rows = store.queries.leaderboard(exp.experiment_id, metric, **options)
            else:
                ref = self.notebook_ref(notebook)
                rows = store.queries.leaderboard(exp.experiment_id, metric, notebook=ref, **options)
            runs = {
                r.run_id: r for r in store.runs.get_many([i for row in rows for i in row.run_ids])
            }
            return {
                "rows": [shapes.leaderboard_row(row, runs) for row in rows],
                "metric": metric,
                "mode": mode,
                "agg": agg,
                "experiment_id": exp.experiment_id,
                "group_by": group_by,
            }

        self.reply(await self.blocking(work))


def metric_history(store: Store, run_id: str, key: str, points: int | None) -> dict[str, Any]:
    """The reply of ``MetricHistoryHandler``: every point, or with ``points`` at most that
    many (min/max by point index, so spikes survive), read from the series' block sketches in
    proportion to ``points``, not to the series."""
    if points is None:
        steps, values, times = store.metrics.history(run_id, key)
        total = len(steps)
    else:
        steps, values, times, total = store.metrics.overview(run_id, key, points)
    if not total:
        raise NotFoundError(f"run {run_id} has no metric {key!r}")
    return {
        "key": key,
        "steps": steps.tolist(),
        "values": shapes.floats(values.tolist()),
        "times": times.tolist(),
        "total_points": total,
        "downsampled": len(steps) < total,
    }


def experiment_ids(store: Store, experiment: str | None) -> list[str] | None:
    """The id of the experiment named (or with that id); None: every experiment."""
    return None if experiment is None else [store.experiments.get(experiment).experiment_id]
