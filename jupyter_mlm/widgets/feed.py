"""``live(run)``: a ``LiveChart`` of a run's metrics.

A run of this process is read from the store once; after that its points come straight from
the writer, which publishes every chunk it stored (``Writer.subscribe``): a kernel thread
unpacks them, the chart downsamples and sends them, throttled. Baselines and runs given by id
are drawn from the store."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .live_chart import LiveChart

if TYPE_CHECKING:
    from ..core.entities import RunInfo
    from ..core.series import SeriesChunk
    from ..store.base import Store
    from ..tracking.run import Run

log = logging.getLogger(__name__)


def live(
    run: Run | str,
    metrics: Sequence[str] | None = None,
    baseline: Sequence[str] | str | None = None,
    *,
    x: str = "step",
    smoothing: float = 0.0,
    log_y: bool = False,
    goal: str = "min",
    interval: float = 0.2,
    **chart: Any,
) -> LiveChart:
    """A chart of ``run``'s metrics (all if ``metrics`` is None), updated while it runs.

    ``run``: a ``Run`` of this process, or a run id (drawn once). ``baseline``: run ids,
    ``"best"`` (the leaderboard's best run of the experiment by the first metric, ``goal``
    "min" or "max") or ``"last:N"`` (the N newest other finished runs), drawn grey.
    """
    from ..tracking.run import Run

    if isinstance(run, Run):
        store, info = run.store, run.started
    else:
        from ..tracking.fluent import get_store

        store = get_store()
        info = store.runs.get(run)
    keys = list(metrics) if metrics is not None else None
    widget = LiveChart(x=x, smoothing=smoothing, log_y=log_y, metrics=keys, **chart)
    for other in resolve_baselines(store, info, baseline, keys, goal):
        _Feeder(widget, store, other, keys, baseline=True).poll()
    if isinstance(run, Run) and run.status == "running":
        follower = _Follower(widget, run, keys)
        follower.start()
        widget.flush(force=True)
        follower.follow(max(interval, LiveChart.min_interval))
    else:
        _Feeder(widget, store, info, keys).poll()
        widget.flush(force=True)
    return widget


def resolve_baselines(
    store: Store,
    info: RunInfo,
    baseline: Sequence[str] | str | None,
    metrics: list[str] | None,
    goal: str,
) -> list[RunInfo]:
    """The runs named by ``baseline`` (see ``live``), without ``info``'s own run."""
    if baseline is None:
        return []
    if isinstance(baseline, str) and baseline == "best":
        names = metrics or sorted(info.metrics)
        if not names:
            raise ValueError('baseline="best" needs metrics=[...] (the run has none yet)')
        rows = store.queries.leaderboard(info.experiment_id, names[0], goal=goal, limit=5)
        ids = [r.run_ids[0] for r in rows if r.run_ids[0] != info.run_id][:1]
    elif isinstance(baseline, str) and baseline.startswith("last:"):
        n = int(baseline.split(":", 1)[1])
        found = store.queries.search([info.experiment_id], limit=n + 20)
        ids = [r.run_id for r in found if r.run_id != info.run_id and r.status != "running"][:n]
    else:
        ids = [baseline] if isinstance(baseline, str) else list(baseline)
    return [store.runs.get(i) for i in ids if i != info.run_id]


class _Feeder:
    """Moves a run's stored points into a chart, sending each point once."""

    def __init__(
        self,
        chart: LiveChart,
        store: Store,
        info: RunInfo,
        metrics: list[str] | None,
        *,
        baseline: bool = False,
    ) -> None:
        self.chart, self.store, self.info = chart, store, info
        self.metrics, self.baseline = metrics, baseline
        self.sent: dict[str, int] = {}

    def poll(self) -> None:
        """Queue the points stored since the last poll (the chart sends them, throttled)."""
        counts = {k: s.count for k, s in self.store.runs.get(self.info.run_id).metrics.items()}
        for key in self.metrics if self.metrics is not None else sorted(counts):
            if counts.get(key, 0) <= self.sent.get(key, 0):
                continue
            start = self.sent.get(key, 0)
            steps, values, times = self.store.metrics.history(self.info.run_id, key, start)
            self.sent[key] = start + len(values)
            xs = steps if self.chart.x == "step" else times - self.info.start_time
            sid = f"{self.info.run_id}:{key}"
            self.chart.add_series(sid, metric=key, run=self.info.name, baseline=self.baseline)
            self.chart.add_points(sid, xs, values, send=False)
        self.chart.flush()


class _Follower:
    """Follows a running ``Run`` of this process: what is stored when it starts comes from
    the store, then the chunks the writer publishes; a thread moves them into the chart and
    stops when the run ends (after its last points) or the chart is closed."""

    def __init__(self, chart: LiveChart, run: Run, metrics: list[str] | None) -> None:
        self.chart, self.run, self.metrics = chart, run, metrics
        self._inbox: deque[tuple[SeriesChunk, ...]] = deque()
        self._unsubscribe: Callable[[], None] = lambda: None

    def start(self) -> None:
        """Subscribe and read what is stored so far, with flushes held in between: each
        point reaches the chart once, from the store or from a publication."""
        run = self.run
        with run.hold_flushes():
            self._unsubscribe = run.subscribe(self._receive)
            try:
                _Feeder(self.chart, run.store, run.started, self.metrics).poll()
            except BaseException:
                self._unsubscribe()
                raise

    def follow(self, interval: float) -> None:
        """Every ``interval`` seconds, in a daemon thread, move the points published since
        into the chart (which sends them, throttled) until the run ends; then send the last
        points and the whole chart (views that missed points catch up)."""
        threading.Thread(
            target=self._loop, args=(interval,), name=f"mlm-live-{self.run.run_id}", daemon=True
        ).start()

    def _receive(self, chunks: tuple[SeriesChunk, ...]) -> None:
        """On the writer's flushing thread: queue only, the work is done by ours."""
        self._inbox.append(chunks)

    def _loop(self, interval: float) -> None:
        chart, run = self.chart, self.run
        try:
            while not chart.closed.wait(interval) and not run.ended:
                self._take()
            if not chart.closed.is_set():
                # finish() flushes after marking the run finished: flushing here too (or
                # waiting for its flush) publishes every point logged before the end
                run.flush_quietly()
                self._take()
                chart.flush(force=True)
                chart.send_snapshot()
        except Exception:
            log.exception("live chart of run %s stopped updating", run.run_id)
        finally:
            self._unsubscribe()

    def _take(self) -> None:
        """Unpack the queued chunks into the chart, one append per series."""
        by_key: dict[str, list[SeriesChunk]] = {}
        while self._inbox:
            for chunk in self._inbox.popleft():
                if self.metrics is None or chunk.key in self.metrics:
                    by_key.setdefault(chunk.key, []).append(chunk)
        info = self.run.started
        for key, chunks in by_key.items():
            values = _unpack(chunks, "values", "<f8")
            if self.chart.x == "step":
                xs = _unpack(chunks, "steps", "<i8")
            else:
                xs = _unpack(chunks, "times", "<f8") - info.start_time
            sid = f"{info.run_id}:{key}"
            self.chart.add_series(sid, metric=key, run=info.name, baseline=False)
            self.chart.add_points(sid, xs, values, send=False)
        self.chart.flush()


def _unpack(chunks: list[SeriesChunk], field: str, dtype: str) -> np.ndarray:
    """One packed array of every chunk, end to end (zero-copy for a single chunk)."""
    parts = [np.frombuffer(getattr(c, field), dtype) for c in chunks]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
