"""``live(run)``: a ``LiveChart`` fed from the store by a kernel thread while the run runs.

It never forces a flush: each tick it reads what the writer has stored since the last tick
(``history(run, key, start=sent)`` for metrics whose stored count changed: only the
blocks holding new points are read), downsamples and sends it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .live_chart import LiveChart

if TYPE_CHECKING:
    from ..core.entities import RunInfo
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
        store, info = run._store, run._info
    else:
        from ..tracking.fluent import get_store

        store = get_store()
        info = store.get_run(run)
    keys = list(metrics) if metrics is not None else None
    widget = LiveChart(x=x, smoothing=smoothing, log_y=log_y, metrics=keys, **chart)
    for other in resolve_baselines(store, info, baseline, keys, goal):
        _Feeder(widget, store, other, keys, baseline=True).poll()
    feeder = _Feeder(widget, store, info, keys)
    feeder.poll()
    widget.flush(force=True)
    if isinstance(run, Run) and run.status == "running":
        feeder.follow(run, max(interval, LiveChart.min_interval))
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
        rows = store.leaderboard(info.experiment_id, names[0], goal=goal, limit=5)
        ids = [r.run_ids[0] for r in rows if r.run_ids[0] != info.run_id][:1]
    elif isinstance(baseline, str) and baseline.startswith("last:"):
        n = int(baseline.split(":", 1)[1])
        found = store.search_runs([info.experiment_id], limit=n + 20)
        ids = [r.run_id for r in found if r.run_id != info.run_id and r.status != "running"][:n]
    else:
        ids = [baseline] if isinstance(baseline, str) else list(baseline)
    return [store.get_run(i) for i in ids if i != info.run_id]


class _Feeder:
    """Moves a run's stored points into a chart, sending each point once; a thread of it
    stops when the run ends or the chart is closed."""

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
        counts = {k: s.count for k, s in self.store.get_run(self.info.run_id).metrics.items()}
        for key in self.metrics if self.metrics is not None else sorted(counts):
            if counts.get(key, 0) <= self.sent.get(key, 0):
                continue
            start = self.sent.get(key, 0)
            steps, values, times = self.store.history(self.info.run_id, key, start)
            self.sent[key] = start + len(values)
            xs = steps if self.chart.x == "step" else times - self.info.start_time
            sid = f"{self.info.run_id}:{key}"
            self.chart.add_series(sid, metric=key, run=self.info.name, baseline=self.baseline)
            self.chart.add_points(sid, xs, values, send=False)
        self.chart.flush()

    def follow(self, run: Run, interval: float) -> None:
        """Poll every ``interval`` seconds in a daemon thread until the run ends, then once
        more and send the whole chart (views that missed points catch up)."""

        def loop() -> None:
            try:
                while not self.chart.closed.wait(interval) and run.status == "running":
                    self.poll()
                if not self.chart.closed.is_set():
                    self.poll()
                    self.chart.flush(force=True)
                    self.chart.send_snapshot()
            except Exception:
                log.exception("live chart of run %s stopped updating", run.run_id)

        threading.Thread(target=loop, name=f"mlm-live-{run.run_id}", daemon=True).start()
