"""The sampling thread over stand-in probes: each run at its interval with consecutive steps,
one thread and one reading for every run due, a last sample on remove and none after, and
failures reported rather than raised."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator

import pytest

from jupyter_mlm.system.notices import Notices
from jupyter_mlm.system.readings import Reading
from jupyter_mlm.system.sampler import Sampler


class CountingProbe:
    """Each reading says how many readings were taken; ``fail`` makes the next one raise."""

    def __init__(self, notices: Notices) -> None:
        self.notices = notices
        self.reads = 0
        self.fail = 0

    def read(self, reading: Reading) -> None:
        if self.fail:
            self.fail -= 1
            raise RuntimeError("probe broke")
        self.reads += 1
        reading.levels["sys/reads"] = float(self.reads)

    def describe(self) -> dict:
        return {"probe": "counting"}


class Sink:
    def __init__(self, fail_after: int | None = None) -> None:
        self.samples: list[tuple[dict[str, float], int, str]] = []
        self.described: list[dict] = []
        self.fail_after = fail_after

    def log_sample(self, values: dict[str, float], step: int) -> None:
        if self.fail_after is not None and len(self.samples) >= self.fail_after:
            raise ValueError("sink broke")
        self.samples.append((values, step, threading.current_thread().name))

    def describe(self, system: dict) -> None:
        self.described.append(system)

    @property
    def steps(self) -> list[int]:
        return [s for _, s, _ in self.samples]


@pytest.fixture
def sampler() -> Iterator[tuple[Sampler, list[CountingProbe]]]:
    probes: list[CountingProbe] = []

    def make(notices: Notices) -> list:
        probes.append(CountingProbe(notices))
        return probes

    s = Sampler(make)
    yield s, probes
    s.close()


def test_samples_at_the_interval_with_consecutive_steps_and_a_last_one_on_remove(sampler):
    s, _ = sampler
    sink = Sink()
    target = s.add(sink, 0.05, first_step=7)
    time.sleep(0.52)
    s.remove(target)
    n = len(sink.samples)
    assert 8 <= n <= 13  # ~10 at 0.05 s, and the last one
    assert sink.steps == list(range(7, 7 + n))
    assert sink.samples[0][2] == "jupyter-mlm-system"
    assert sink.samples[-1][2] == threading.current_thread().name  # taken by remove
    time.sleep(0.2)
    assert len(sink.samples) == n and s.sampling == 0


def test_runs_share_one_thread_and_one_reading_each_at_its_interval(sampler):
    s, probes = sampler
    fast, slow = Sink(), Sink()
    a, b = s.add(fast, 0.05), s.add(slow, 0.25)
    time.sleep(0.6)
    s.remove(a, final=False)
    s.remove(b, final=False)
    assert 9 <= len(fast.samples) <= 14 and 2 <= len(slow.samples) <= 4
    assert len([t for t in threading.enumerate() if t.name == "jupyter-mlm-system"]) == 1
    fast_reads = {v["sys/reads"] for v, _, _ in fast.samples}
    slow_reads = {v["sys/reads"] for v, _, _ in slow.samples}
    assert len(slow_reads - fast_reads) <= 1  # but its first: both on the same grid
    assert probes[0].reads <= len(fast_reads) + 1


def test_an_idle_sampler_takes_no_cpu(sampler):
    s, probes = sampler
    target = s.add(Sink(), 0.05)
    time.sleep(0.1)
    s.remove(target)
    time.sleep(0.1)  # the thread's wait times out once more and finds nothing to do
    reads, cpu = probes[0].reads, s.thread_cpu_seconds
    time.sleep(0.3)
    assert probes[0].reads == reads and s.thread_cpu_seconds == cpu


@pytest.mark.filterwarnings("ignore:jupyter-mlm")
def test_the_sink_is_told_what_is_sampled_and_again_when_notices_come(sampler):
    s, probes = sampler
    sink = Sink()
    target = s.add(sink, 0.05)
    time.sleep(0.12)
    probes[0].notices.add("sys/x not sampled: test")
    time.sleep(0.12)
    s.remove(target)
    assert len(sink.described) == 2
    assert sink.described[0] == {"interval": 0.05, "probe": "counting", "notices": []}
    assert sink.described[1]["notices"] == ["sys/x not sampled: test"]


def test_a_failing_sink_is_reported_and_dropped_alone(sampler, capsys):
    s, _ = sampler
    broken, fine = Sink(fail_after=2), Sink()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a, b = s.add(broken, 0.05), s.add(fine, 0.05)
        time.sleep(0.4)
        s.remove(a)
        s.remove(b)
    assert len(broken.samples) == 2 and len(fine.samples) >= 6
    (warning,) = [w for w in caught if "system metrics of a run stop" in str(w.message)]
    assert "ValueError: sink broke" in str(warning.message)
    assert "Traceback" in capsys.readouterr().err


def test_a_sink_that_cannot_keep_the_description_still_gets_its_samples(sampler):
    class StoreDown(Sink):
        def describe(self, system: dict) -> None:
            raise OSError("the store is down")

    s, _ = sampler
    sink = StoreDown()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        target = s.add(sink, 0.05)
        time.sleep(0.3)
        s.remove(target)
    assert len(sink.samples) >= 4
    said = [str(w.message) for w in caught if "could not record" in str(w.message)]
    assert said == [
        "jupyter-mlm: could not record what system metrics sample (OSError: the store is down)"
    ]  # once, though tried at each sample


def test_a_failing_probe_is_reported_and_sampling_goes_on(sampler):
    s, probes = sampler
    sink = Sink()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        target = s.add(sink, 0.05)
        time.sleep(0.07)
        probes[0].fail = 2
        time.sleep(0.3)
        s.remove(target)
    assert any(
        "sampling system metrics failed (RuntimeError: probe broke)" in str(w.message)
        for w in caught
    )
    assert len(sink.samples) >= 4
    assert sink.steps == list(range(len(sink.samples)))  # no step lost to the failures


def test_close_ends_the_thread(sampler):
    s, _ = sampler
    s.add(Sink(), 0.05)
    thread = s._thread
    s.close()
    assert thread is not None and not thread.is_alive() and s.sampling == 0
    with pytest.raises(RuntimeError, match="closed"):
        s.add(Sink(), 0.05)


def test_a_probe_that_cannot_start_is_left_out_with_a_notice(monkeypatch):
    import sys

    from jupyter_mlm.system.sampler import default_probes

    monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil raises ImportError
    notices = Notices(warn=False)
    probes = default_probes(notices)
    assert [type(p).__name__ for p in probes] == ["GpuProbe"]
    assert notices.lines()[:2] == [
        "no process metrics: ModuleNotFoundError: import of psutil halted; None in sys.modules",
        "no machine metrics: ModuleNotFoundError: import of psutil halted; None in sys.modules",
    ]
