"""The sampling thread: one per process, shared by every run that samples, each at its own
interval. Samples fall on multiples of the interval (of the monotonic clock), so runs at the
same or multiple intervals share each reading. It reads the machine (``Probe``s, created on the thread at its first sample, so
psutil and NVML are loaded off the caller's), turns the reading into each due run's values
(``RunSeries``) and hands them to the run's ``SampleSink`` with the run's next step.

A run is first sampled ``FIRST_SAMPLE`` after it starts. ``remove`` takes a last sample for
the run on the calling thread (when it had a first), then the sampler never calls that sink
again. A sink or probe that raises is reported (a warning and the
traceback), never raised into the run; a sink that raises is not called again."""

from __future__ import annotations

import math
import os
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any, Protocol

from .notices import Guard, Notices, explain
from .readings import Probe, Reading, RunSeries

#: a run due this soon (seconds) is sampled with the reading being taken
SLACK = 0.002
#: a run's first sample comes this long after it starts (or after its interval, if
#: shorter): a run that ends sooner is not sampled at all, so a run started and ended at
#: once costs no reading and no series
FIRST_SAMPLE = 0.1


class SampleSink(Protocol):
    """Where one run's samples go (the tracking side implements it)."""

    def log_sample(self, values: dict[str, float], step: int) -> None:
        """Log ``values`` (series key -> value) at ``step``."""

    def describe(self, system: dict[str, Any]) -> None:
        """Keep what is sampled and the notices so far (called again when notices come)."""


def default_probes(notices: Notices) -> list[Probe]:
    """This process, the machine, and the GPUs this process may use; a probe that cannot
    start (psutil missing, say) is left out with a notice."""
    from .gpus import GpuProbe
    from .host import HostProbe
    from .process import ProcessProbe

    guard = Guard(notices)
    makers: list[tuple[str, Callable[[], Probe]]] = [
        ("process metrics", lambda: ProcessProbe(guard)),
        ("machine metrics", lambda: HostProbe(guard)),
        ("GPU metrics", lambda: GpuProbe(notices)),
    ]
    probes = []
    for what, make in makers:
        try:
            probes.append(make())
        except Exception as error:
            notices.add(f"no {what}: {explain(error)}")
    return probes


class Target:
    """One run being sampled: its sink, interval, next step and own series state."""

    __slots__ = ("described", "due", "first_step", "interval", "series", "sink", "step")

    def __init__(self, sink: SampleSink, interval: float, first_step: int) -> None:
        self.sink = sink
        self.interval = interval
        self.due = time.monotonic() + min(interval, FIRST_SAMPLE)
        self.first_step = self.step = first_step
        self.series = RunSeries()
        self.described = -1  # how many notices the sink was last told about


class Sampler:
    def __init__(self, make_probes: Callable[[Notices], list[Probe]] = default_probes) -> None:
        self.notices = Notices()
        self._make_probes = make_probes
        self._probes: list[Probe] | None = None
        self._targets: list[Target] = []
        self._lock = threading.RLock()  # probes and targets; a sample runs holding it
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_cpu = 0.0
        self._reported: set[str] = set()
        self._closed = False

    # the runs ----------------------------------------------------------------------------
    def add(self, sink: SampleSink, interval: float, first_step: int = 0) -> Target:
        """Sample for ``sink`` every ``interval`` seconds from now on."""
        target = Target(sink, interval, first_step)
        with self._lock:
            if self._closed:
                raise RuntimeError("this sampler is closed")
            self._targets.append(target)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="jupyter-mlm-system", daemon=True
                )
                self._thread.start()
        self._wake.set()
        return target

    def remove(self, target: Target, *, final: bool = True) -> None:
        """Stop sampling for ``target``, after one last sample when ``final`` (and it had a
        first one)."""
        with self._lock:
            if target not in self._targets:
                return
            try:
                if final and target.step > target.first_step:
                    self._sample([target])
            finally:
                if target in self._targets:
                    self._targets.remove(target)

    def close(self) -> None:
        """Stop sampling for every run and end the thread (the process's shared sampler is
        never closed; tests close theirs)."""
        with self._lock:
            self._closed = True
            self._targets.clear()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    @property
    def sampling(self) -> int:
        """How many runs are being sampled."""
        return len(self._targets)

    @property
    def thread_cpu_seconds(self) -> float:
        """CPU seconds the sampling thread has used (as of its last sample)."""
        return self._thread_cpu

    def describe(self) -> dict[str, Any]:
        """What the probes sample and the notices so far (``{}`` before the first sample)."""
        with self._lock:
            return self._describe() if self._probes is not None else {}

    # the thread ---------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._closed:
            self._wake.clear()
            with self._lock:
                now = time.monotonic()
                due = [t for t in self._targets if t.due <= now + SLACK]
                if due:
                    self._sample(due)
                    now = time.monotonic()
                    for t in due:
                        t.due = _next_on_grid(now, t.interval)
                wait = min((t.due for t in self._targets), default=None)
            self._thread_cpu = time.thread_time()
            self._wake.wait(None if wait is None else max(0.0, wait - now))

    def _sample(self, targets: list[Target]) -> None:
        """Read the machine once and give each target its values (holding the lock)."""
        try:
            if self._probes is None:
                self._probes = self._make_probes(self.notices)
            reading = Reading(time.monotonic())
            for probe in self._probes:
                probe.read(reading)
        except Exception as error:
            self._report(f"jupyter-mlm: sampling system metrics failed ({explain(error)})")
            return
        for target in targets:
            if target.described != len(self.notices):
                try:
                    target.sink.describe({"interval": target.interval, **self._describe()})
                    target.described = len(self.notices)
                except Exception as error:  # tried again at the next sample
                    self._report(
                        f"jupyter-mlm: could not record what system metrics sample "
                        f"({explain(error)})"
                    )
            try:
                target.sink.log_sample(target.series.values(reading), target.step)
                target.step += 1
            except Exception as error:
                self._report(
                    f"jupyter-mlm: system metrics of a run stop: its sample could not be "
                    f"logged ({explain(error)})"
                )
                self._targets.remove(target)

    def _describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for probe in self._probes or ():
            try:
                out.update(probe.describe())
            except Exception as error:
                out.setdefault("errors", []).append(explain(error))
        out["notices"] = self.notices.lines()
        return out

    def _report(self, message: str) -> None:
        """A failure of the sampler itself: warned and its traceback printed, once each."""
        if message in self._reported:
            return
        self._reported.add(message)
        traceback.print_exc()
        warnings.warn(message, RuntimeWarning, stacklevel=2)


def _next_on_grid(now: float, interval: float) -> float:
    """The next multiple of ``interval`` at least half an interval after ``now``: runs at
    the same interval share readings, and no two samples of a run come too close."""
    due = (math.floor(now / interval) + 1) * interval
    return due + interval if due - now < interval / 2 else due


_shared: Sampler | None = None
_shared_lock = threading.Lock()


def shared_sampler() -> Sampler:
    """The process's sampler (created on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Sampler()
        return _shared


def _after_fork_in_child() -> None:
    """The child has no sampling thread, and NVML handles do not survive a fork."""
    global _shared, _shared_lock
    _shared, _shared_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
