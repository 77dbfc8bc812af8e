"""psutil figures against a process that allocates a known amount of memory and burns a
known amount of CPU time: the process probe of that process, and of its parent (children
count in the parent's CPU)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from jupyter_mlm.system.notices import Guard, Notices
from jupyter_mlm.system.process import CPU_KEY, RSS_KEY, ProcessProbe
from jupyter_mlm.system.readings import Reading, RunSeries

ALLOC_MB = 200
BURN_S = 1.0
#: the child waits for a line on stdin before each step and says "done" after it
CHILD = textwrap.dedent(f"""
    import sys, time
    def step():
        sys.stdout.write("done\\n"); sys.stdout.flush(); sys.stdin.readline()
    step()
    block = b"x" * ({ALLOC_MB} << 20)  # written, so resident
    step()
    t0 = time.process_time()
    while time.process_time() - t0 < {BURN_S}:
        pass
    step()
""")


class Child:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.wait_done()

    def wait_done(self) -> None:
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "done"

    def next(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        self.wait_done()

    def end(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


@pytest.fixture
def child():
    c = Child()
    yield c
    c.proc.kill()
    c.proc.wait()


def _read(probe: ProcessProbe) -> Reading:
    reading = Reading(__import__("time").monotonic())
    probe.read(reading)
    return reading


def test_memory_and_cpu_of_a_process(child):
    notices = Notices(warn=False)
    probe = ProcessProbe(Guard(notices), pid=child.proc.pid)
    before = _read(probe)
    child.next()  # allocates
    allocated = _read(probe)
    child.next()  # burns
    burnt = _read(probe)
    grew = allocated.levels[RSS_KEY] - before.levels[RSS_KEY]
    assert ALLOC_MB * 0.95 <= grew <= ALLOC_MB * 1.1
    cpu = burnt.rates[CPU_KEY][0] - allocated.rates[CPU_KEY][0]
    assert BURN_S * 0.95 <= cpu <= BURN_S * 1.3
    series = RunSeries()
    series.values(allocated)
    percent = series.values(burnt)[CPU_KEY]  # CPU seconds over wall seconds
    wall = burnt.time - allocated.time
    assert percent == pytest.approx(100 * cpu / wall)
    assert 0 < percent <= 100 * 1.05  # one busy thread: at most one core
    assert notices.lines() == []


def test_a_process_cpu_includes_its_children_alive_and_reaped(child):
    probe = ProcessProbe(Guard(Notices(warn=False)))  # this test process
    start = _read(probe).rates[CPU_KEY][0]
    child.next()
    child.next()  # the child burnt BURN_S, and is alive
    alive = _read(probe).rates[CPU_KEY][0]
    assert alive - start >= BURN_S * 0.95
    child.end()  # reaped: its time moves into this process's children times
    reaped = _read(probe).rates[CPU_KEY][0]
    assert reaped - start >= BURN_S * 0.95
    assert reaped - alive < 0.5  # counted once, not twice


def test_a_process_that_cannot_be_read_is_left_out_with_a_notice(monkeypatch, child):
    import psutil

    notices = Notices(warn=False)
    probe = ProcessProbe(Guard(notices), pid=child.proc.pid)

    def denied(self):
        raise psutil.AccessDenied(self.pid)

    monkeypatch.setattr(psutil.Process, "memory_info", denied)
    first, second = _read(probe), _read(probe)
    assert RSS_KEY not in first.levels and RSS_KEY not in second.levels
    assert CPU_KEY in second.rates  # the other metric goes on
    (line,) = notices.lines()
    assert line.startswith("sys/rss_mb not sampled: AccessDenied")
