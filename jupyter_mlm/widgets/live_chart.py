"""``LiveChart``: an anywidget drawing metric series with Vega-Lite from a bundled ESM file.

The kernel keeps a bounded, downsampled copy of every series and sends only new points, as
float64 buffers, at most ten times a second. In the browser every view of one model draws
from one copy, so a view opened mid-run shows every point at once; a new model (a page
reload) says "hello" and the kernel answers with its whole copy (a "reset")."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ..core.downsample import SeriesView, minmax

_BUNDLE = Path(__file__).parent.parent / "static" / "live_chart.js"


class _Bundle:
    """``_esm`` read when a widget is made, so a missing bundle fails there, clearly, and not
    at import (anywidget would read a plain ``Path`` at class creation)."""

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        if not _BUNDLE.is_file():
            raise FileNotFoundError(
                "the widget bundle is not built: pip install -e . with Node installed "
                f"(missing {_BUNDLE})"
            )
        return _BUNDLE.read_text(encoding="utf-8")


class LiveChart(anywidget.AnyWidget):
    """Line chart of metric series, one panel per metric; baseline runs are drawn grey.

    Feed it with ``add_series`` and ``add_points`` (or let ``jupyter_mlm.widgets.live`` do it).
    """

    _esm = _Bundle()

    series = t.List(t.Dict(), help="[{id, metric, run, baseline}] of every series").tag(sync=True)
    metrics = t.List(t.Unicode(), allow_none=True, default_value=None, help="shown; None: all").tag(
        sync=True
    )
    x = t.Enum(["step", "time"], default_value="step", help="x axis: step or seconds").tag(
        sync=True
    )
    smoothing = t.Float(0.0, min=0.0, max=0.99, help="EMA weight, applied in the browser").tag(
        sync=True
    )
    log_y = t.Bool(False, help="logarithmic y axis").tag(sync=True)
    width = t.Int(420, min=50, help="panel width in pixels; also the downsampling buckets").tag(
        sync=True
    )
    height = t.Int(200, min=50, help="panel height in pixels").tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    _chart_id = t.Unicode(help="names the browser's copy of the points its views share").tag(
        sync=True
    )

    #: seconds between two sends of points, at least (so at most ten a second)
    min_interval: float = 0.1

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lock = threading.RLock()
        self._views: dict[str, SeriesView] = {}
        self._pending: dict[str, SeriesView] = {}
        self._last_send = float("-inf")
        self.closed = threading.Event()  # stops a feeding thread
        self.on_msg(self._on_msg)

    @t.default("_chart_id")
    def _new_chart_id(self) -> str:
        return uuid.uuid4().hex

    def add_series(self, series_id: str, *, metric: str, run: str, baseline: bool = False) -> None:
        """Declare a series before adding its points (no-op if it exists)."""
        with self._lock:
            if series_id in self._views:
                return
            self._views[series_id] = SeriesView(self.width)
            self._pending[series_id] = SeriesView(self.width)
            entry = {"id": series_id, "metric": metric, "run": run, "baseline": baseline}
            self.series = [*self.series, entry]

    def add_points(self, series_id: str, x: Any, y: Any, *, send: bool = True) -> None:
        """Queue new points of a series (non-finite values are dropped) and, unless ``send`` is
        False, send what is queued if the last send is ``min_interval`` old."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.all():
            x, y = x[ok], y[ok]
        x, y = minmax(x, y, self.width)
        with self._lock:
            self._views[series_id].append(x, y)
            self._pending[series_id].append(x, y)
        if send:
            self.flush()

    def flush(self, *, force: bool = False) -> bool:
        """Send the queued points now if allowed by ``min_interval`` (or ``force``)."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last_send < self.min_interval:
                return False
            ids: list[str] = []
            buffers: list[memoryview] = []
            for sid, view in self._pending.items():
                if len(view):
                    ids.append(sid)
                    buffers.extend(_f8(a) for a in view.take())
            if not ids:
                return False
            self._last_send = now
            self.send({"type": "append", "ids": ids, "buckets": self.width}, buffers)
            return True

    def send_snapshot(self) -> None:
        """Send every series as held (for views that missed earlier points)."""
        with self._lock:
            ids: list[str] = []
            buffers: list[memoryview] = []
            for sid, view in self._views.items():
                ids.append(sid)
                buffers.extend((_f8(view.x), _f8(view.y)))
                self._pending[sid].take()
            self._last_send = time.monotonic()
            self.send({"type": "reset", "ids": ids, "buckets": self.width}, buffers)

    def points(self, series_id: str) -> tuple[np.ndarray, np.ndarray]:
        """The downsampled (x, y) held for a series."""
        with self._lock:
            view = self._views[series_id]
            return view.x.copy(), view.y.copy()

    def close(self) -> None:
        """Close the widget and stop the thread feeding it, if any."""
        closed = getattr(self, "closed", None)  # unset if __init__ failed
        if closed is not None:
            closed.set()
        super().close()

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "hello":
            self.send_snapshot()


def _f8(a: np.ndarray) -> memoryview:
    return np.ascontiguousarray(a, dtype="<f8").data
