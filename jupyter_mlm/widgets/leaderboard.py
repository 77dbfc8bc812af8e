"""``Leaderboard``: ranked runs of an experiment as a sortable, filterable, selectable table.

While any listed run is ``running``, a kernel thread re-queries every ``refresh`` seconds and
pushes the rows; it stops when none is running, or when the widget is closed."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ._bundle import Bundle
from .compare import Compare, _jsonable

if TYPE_CHECKING:
    from ..core.entities import LeaderboardRow
    from ..store.base import Store, Where

log = logging.getLogger(__name__)


class Leaderboard(anywidget.AnyWidget):
    """The rows of ``leaderboard_rows(experiment, metric, ...)``; ``selected`` holds the run
    ids of the rows ticked in the browser (a grouped row selects all its runs)."""

    _esm = Bundle("leaderboard.js")

    rows = t.List(t.Dict(), help="[{rank, value, std, count, run_ids, names, status, params}]").tag(
        sync=True
    )
    columns = t.List(t.Unicode(), help="param keys shown as columns").tag(sync=True)
    metric = t.Unicode("").tag(sync=True)
    goal = t.Enum(["max", "min"], default_value="max").tag(sync=True)
    grouped = t.Bool(False, help="rows are groups of runs (value: mean ± std)").tag(sync=True)
    selected = t.List(t.Unicode(), help="run ids of the selected rows").tag(sync=True)
    running = t.Bool(False, help="a listed run is running (the table refreshes)").tag(sync=True)

    def __init__(
        self,
        experiment: str,
        metric: str,
        goal: str = "max",
        *,
        group_by: str | list[str] | None = None,
        agg: str = "last",
        where: Where = None,
        limit: int | None = 50,
        refresh: float = 2.0,
        store: Store | None = None,
        **kwargs: Any,
    ) -> None:
        groups = [group_by] if isinstance(group_by, str) else group_by
        super().__init__(metric=metric, goal=goal, grouped=bool(groups), **kwargs)
        if store is None:
            from ..tracking.fluent import get_store

            store = get_store()
        self._store = store
        self._experiment_id = store.experiments.get(experiment).experiment_id
        self._query: dict[str, Any] = {
            "agg": agg,
            "where": where,
            "group_by": groups,
            "limit": limit,
        }
        self.closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._comparison: Any = None  # the Output area under the table, once displayed
        self.update()
        if self.running and refresh > 0:
            self._thread = threading.Thread(
                target=self._follow, args=(refresh,), name="mlm-leaderboard", daemon=True
            )
            self._thread.start()

    def update(self) -> None:
        """Query the store again and push the rows (the selection keeps listed runs)."""
        found = self._store.queries.leaderboard(
            self._experiment_id, self.metric, goal=self.goal, **self._query
        )
        rows = [self._row(r) for r in found]
        listed = {i for r in rows for i in r["run_ids"]}
        keys: dict[str, None] = dict.fromkeys(self._query["group_by"] or [])
        for r in rows:
            keys.update(dict.fromkeys(sorted(r["params"])))
        with self.hold_sync():
            self.rows = rows
            self.columns = list(keys)
            self.running = any(r["status"] == "running" for r in rows)
            if any(i not in listed for i in self.selected):
                self.selected = [i for i in self.selected if i in listed]

    def _ipython_display_(self) -> None:
        """Shown in a notebook as the table with an area below it where the comparison of
        the selected rows opens (and follows the selection)."""
        import ipywidgets
        from IPython.display import display

        if self._comparison is None:
            self._comparison = ipywidgets.Output()
            self.observe(self._show_comparison, names="selected")
        display(ipywidgets.VBox([self, self._comparison]))

    def _show_comparison(self, change: dict[str, Any]) -> None:
        from IPython.display import display

        out = self._comparison
        assert out is not None
        with out:
            out.clear_output(wait=True)
            if change["new"]:
                display(self.compare())

    def on_select(self, callback: Callable[[list[str]], Any]) -> None:
        """Call ``callback(run_ids)`` whenever the selection changes."""
        self.observe(lambda change: callback(list(change["new"])), names="selected")

    def compare(self, metrics: list[str] | None = None) -> Compare:
        """A ``Compare`` widget of the selected runs (``metrics`` default: this metric)."""
        if not self.selected:
            raise ValueError("select runs first (tick rows of the table)")
        return Compare(self.selected, metrics or [self.metric], store=self._store)

    def close(self) -> None:
        """Close the widget and stop its refresh thread."""
        closed = getattr(self, "closed", None)  # unset if __init__ failed
        if closed is not None:
            closed.set()
        super().close()

    def _row(self, row: LeaderboardRow) -> dict[str, Any]:
        status = row.status
        if status is None:  # a group: running if any of its runs is
            states = {self._store.runs.get(i).status for i in row.run_ids}
            status = "running" if "running" in states else None
        return {
            "rank": row.rank,
            "value": _num(row.value),
            "std": _num(row.std),
            "count": row.count,
            "run_ids": list(row.run_ids),
            "names": list(row.names),
            "status": status,
            "params": _jsonable(row.params),
        }

    def _follow(self, interval: float) -> None:
        try:
            while not self.closed.wait(interval):
                self.update()
                if not self.running:
                    break
        except Exception:
            log.exception("leaderboard stopped refreshing")


def leaderboard(
    experiment: str,
    metric: str,
    goal: str = "max",
    *,
    group_by: str | list[str] | None = None,
    agg: str = "last",
    where: Where = None,
    limit: int | None = 50,
    refresh: float = 2.0,
) -> Leaderboard:
    """A ``Leaderboard`` widget of ``experiment`` ranked by ``metric`` (see
    ``leaderboard_rows``); it refreshes every ``refresh`` seconds while a listed run runs."""
    return Leaderboard(
        experiment, metric, goal, group_by=group_by, agg=agg, where=where, limit=limit,
        refresh=refresh,
    )  # fmt: skip


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None
