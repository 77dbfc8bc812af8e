"""``Compare``: overlaid metric curves of several runs and a table of their params.

Each series is downsampled (min/max per x bucket) to at most ``2 * width`` points and sent as
one float64 buffer (``data``: x then y of every series, located by ``series[i].offset``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import anywidget
import numpy as np
import traitlets as t

from ..core.downsample import minmax
from ._bundle import Bundle

if TYPE_CHECKING:
    from ..core.entities import RunInfo
    from ..store.base import Store
    from ..tracking.run import Run


class Compare(anywidget.AnyWidget):
    """Curves of ``metrics`` for every run (one panel per metric) and their params; params
    whose values differ between the runs are listed in ``differing`` and highlighted."""

    _esm = Bundle("compare.js")

    runs = t.List(t.Dict(), help="[{id, name, status, params}] in the order given").tag(sync=True)
    metrics = t.List(t.Unicode(), help="metrics drawn, one panel each").tag(sync=True)
    params = t.List(t.Unicode(), help="every param key of the runs, sorted").tag(sync=True)
    differing = t.List(t.Unicode(), help="param keys whose values differ").tag(sync=True)
    series = t.List(t.Dict(), help="[{run, metric, offset, n}] into data").tag(sync=True)
    data = t.Bytes(b"", help="float64 little-endian: x[n] then y[n] of each series").tag(sync=True)
    width = t.Int(420, min=50, help="panel width in pixels; also the downsampling buckets").tag(
        sync=True
    )
    height = t.Int(220, min=50).tag(sync=True)

    def __init__(
        self,
        runs: Sequence[str | RunInfo | Run],
        metrics: Sequence[str] | None = None,
        *,
        store: Store | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._store = store
        self._ids = [_run_id(r) for r in runs]
        for r in runs:
            if self._store is None and not isinstance(r, str):
                self._store = getattr(r, "store", None)  # a Run or a RunView knows its store
        self._wanted = list(metrics) if metrics is not None else None
        self.reload()

    def reload(self) -> None:
        """Read the runs and their metric histories from the store again."""
        st = self._store if self._store is not None else _default_store()
        infos = [st.runs.get(i) for i in self._ids]
        metrics = self._wanted
        if metrics is None:
            metrics = sorted({k for info in infos for k in info.metrics})
        series: list[dict[str, Any]] = []
        chunks: list[np.ndarray] = []
        offset = 0
        for info in infos:
            for key in metrics:
                if key not in info.metrics:
                    continue
                steps, values, _ = st.metrics.history(info.run_id, key)
                x = np.asarray(steps, dtype=np.float64)
                y = np.asarray(values, dtype=np.float64)
                ok = np.isfinite(y)
                x, y = minmax(x[ok], y[ok], self.width)
                series.append({"run": info.run_id, "metric": key, "offset": offset, "n": len(x)})
                chunks.extend((x, y))
                offset += 2 * len(x)
        keys = sorted({k for info in infos for k in info.params})
        with self.hold_sync():
            self.runs = [
                {"id": i.run_id, "name": i.name, "status": i.status, "params": _jsonable(i.params)}
                for i in infos
            ]
            self.metrics = list(metrics)
            self.params = keys
            self.differing = [
                k for k in keys if _differs([i.params.get(k, _MISSING) for i in infos])
            ]
            self.series = series
            self.data = np.concatenate(chunks).astype("<f8").tobytes() if chunks else b""

    def points(self, run_id: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) sent for one run's metric."""
        arr = np.frombuffer(self.data, dtype="<f8")
        for s in self.series:
            if s["run"] == run_id and s["metric"] == metric:
                start, n = s["offset"], s["n"]
                return arr[start : start + n], arr[start + n : start + 2 * n]
        raise KeyError(f"no series {metric!r} for run {run_id!r}")


def compare(
    runs: Sequence[str | RunInfo | Run] | str, metrics: Sequence[str] | str | None = None
) -> Compare:
    """A ``Compare`` widget of ``runs`` (ids, ``RunInfo`` or ``Run`` objects) drawing
    ``metrics`` (all the runs logged if None)."""
    ids = [runs] if isinstance(runs, str) else list(runs)
    keys = [metrics] if isinstance(metrics, str) else metrics
    return Compare(ids, keys)


_MISSING = object()


def _differs(values: list[Any]) -> bool:
    first = values[0]
    return any(
        v is not first and (v is _MISSING or first is _MISSING or v != first) for v in values[1:]
    )


def _run_id(run: Any) -> str:
    return run if isinstance(run, str) else str(run.run_id)


def _default_store() -> Store:
    from ..tracking.fluent import get_store

    return get_store()


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Params with values JSON can carry (others as their repr; non-finite floats as text)."""
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, float) and not np.isfinite(v):
            out[k] = str(v)
        elif v is None or isinstance(v, (str, int, float, bool, list, dict)):
            out[k] = v
        else:
            out[k] = repr(v)
    return out
