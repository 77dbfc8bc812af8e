"""``ParallelCoordinates``: a sweep's params against a metric, one line per run.

Every run of an experiment that logged ``metric`` (a finite last value) is a line across one
vertical axis per param and, last, the metric itself, coloured by the metric. Numeric params
are numeric axes; strings (and bools) are categorical axes, their values at evenly spaced
positions; list and dict params are skipped. At most ``limit`` runs are sent: the best by
``goal``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ._bundle import Bundle

if TYPE_CHECKING:
    from ..core.entities import RunInfo
    from ..store.base import Where


class ParallelCoordinates(anywidget.AnyWidget):
    """``axes``: [{key, kind ("numeric" | "categorical" | "metric"), min, max, log (positive
    values over >= 2 decades: drawn on a log scale), categories, ticks: [{pos (0..1), label}]}],
    the metric last; ``rows``: [{id, name, values}] with
    ``values[i]`` the run's position on ``axes[i]`` (a category's index; None if missing)."""

    _esm = Bundle("parallel.js")

    axes = t.List(t.Dict(), help="the vertical axes, params then the metric").tag(sync=True)
    rows = t.List(t.Dict(), help="[{id, name, values}] one per run, best first").tag(sync=True)
    metric = t.Unicode("").tag(sync=True)
    goal = t.Enum(["max", "min"], default_value="max").tag(sync=True)
    total = t.Int(0, help="runs with the metric before the limit").tag(sync=True)
    width = t.Int(720, min=100).tag(sync=True)
    height = t.Int(320, min=100).tag(sync=True)

    def __init__(
        self,
        experiment: str,
        metric: str,
        goal: str = "max",
        *,
        params: list[str] | None = None,
        where: Where = None,
        limit: int = 500,
        **kwargs: Any,
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        super().__init__(metric=metric, goal=goal, **kwargs)
        self._experiment = experiment
        self._params = list(params) if params is not None else None
        self._where = where
        self._limit = limit
        self.reload()

    def reload(self) -> None:
        """Query the runs again and rebuild the axes and rows."""
        from ..tracking.fluent import runs

        infos = [
            r for r in runs(self._experiment, where=self._where) if _finite(_last(r, self.metric))
        ]
        infos.sort(key=lambda r: _last(r, self.metric), reverse=self.goal == "max")
        kept = infos[: self._limit]
        axes, columns = _param_axes(kept, self._params)
        values = [_last(r, self.metric) for r in kept]
        axes.append(_numeric_axis(self.metric, values, kind="metric"))
        columns.append(values)
        with self.hold_sync():
            self.total = len(infos)
            self.axes = axes
            self.rows = [
                {"id": r.run_id, "name": r.name, "values": [col[i] for col in columns]}
                for i, r in enumerate(kept)
            ]


def parallel_coordinates(
    experiment: str,
    metric: str,
    goal: str = "max",
    *,
    params: list[str] | None = None,
    where: Where = None,
    limit: int = 500,
) -> ParallelCoordinates:
    """A parallel-coordinates chart of ``experiment``'s runs: ``params`` (all that vary across
    the runs if None) against the last value of ``metric``, the best ``limit`` runs by
    ``goal`` ("max" or "min"); ``where`` filters the runs as in ``mlm.runs``."""
    return ParallelCoordinates(experiment, metric, goal, params=params, where=where, limit=limit)


def _last(run: RunInfo, metric: str) -> float:
    summary = run.metrics.get(metric)
    return float(summary.last) if summary is not None else math.nan


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_MISSING = object()


def _param_axes(
    infos: list[RunInfo], wanted: list[str] | None
) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """Axes of the params (and, per axis, each run's position on it)."""
    if wanted is None:
        keys = sorted({k for r in infos for k in r.params})
        keys = [k for k in keys if _varies([r.params.get(k, _MISSING) for r in infos])]
    else:
        keys = wanted
    axes: list[dict[str, Any]] = []
    columns: list[list[Any]] = []
    for key in keys:
        raw = [r.params.get(key) for r in infos]
        present = [v for v in raw if v is not None]
        if any(isinstance(v, (list, tuple, dict)) for v in present):
            continue
        if all(_finite(v) for v in present) and present:
            col = [float(v) if v is not None else None for v in raw]
            axes.append(_numeric_axis(key, [v for v in col if v is not None], kind="numeric"))
            columns.append(col)
        else:
            labels = [None if v is None or _nan(v) else _label(v) for v in raw]
            categories = sorted({v for v in labels if v is not None})
            index = {c: i for i, c in enumerate(categories)}
            n = len(categories)
            axes.append(
                {
                    "key": key,
                    "kind": "categorical",
                    "min": 0,
                    "max": max(n - 1, 0),
                    "log": False,
                    "categories": categories,
                    "ticks": [
                        {"pos": i / (n - 1) if n > 1 else 0.5, "label": c}
                        for i, c in enumerate(categories)
                    ],
                }
            )
            columns.append([index[v] if v is not None else None for v in labels])
    return axes, columns


def _numeric_axis(key: str, values: list[float], kind: str) -> dict[str, Any]:
    lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
    ticks = (
        [{"pos": 0.0, "label": _fmt(lo)}, {"pos": 1.0, "label": _fmt(hi)}]
        if hi > lo
        else [{"pos": 0.5, "label": _fmt(lo)}]
    )
    log = kind == "numeric" and lo > 0 and hi / lo >= 100
    return {
        "key": key,
        "kind": kind,
        "min": lo,
        "max": hi,
        "log": log,
        "categories": [],
        "ticks": ticks,
    }


def _varies(values: list[Any]) -> bool:
    first = values[0] if values else _MISSING
    return any(
        v is not first and (v is _MISSING or first is _MISSING or v != first) for v in values[1:]
    )


def _nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _label(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _fmt(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.4g}"
    return f"{value:.3e}"
