"""Whole-machine figures through psutil, and a figure the machine will not give (a
container without disk counters, a permission error) left out alone with a notice."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from jupyter_mlm.system.host import CPU_KEY, DISK_KEYS, MEM_KEY, NET_KEYS, HostProbe
from jupyter_mlm.system.notices import Guard, Notices
from jupyter_mlm.system.readings import Reading, RunSeries


def _read(probe: HostProbe) -> Reading:
    reading = Reading(time.monotonic())
    probe.read(reading)
    return reading


def test_host_cpu_counts_a_busy_process_and_memory_matches_psutil():
    notices = Notices(warn=False)
    probe = HostProbe(Guard(notices))
    series = RunSeries()
    first = _read(probe)
    series.values(first)
    burn = "import time\nt=time.process_time()\nwhile time.process_time()-t<0.5: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    second = _read(probe)
    busy = second.rates[CPU_KEY][0] - first.rates[CPU_KEY][0]
    assert busy >= 0.45  # the child's 0.5 CPU seconds, at least
    values = series.values(second)
    assert 0 < values[CPU_KEY] <= 100
    assert abs(values[MEM_KEY] - psutil.virtual_memory().percent) < 5
    for key in DISK_KEYS + NET_KEYS:  # running totals since the first reading
        assert values[key] >= 0
    assert notices.lines() == []


def test_missing_disk_counters_and_a_denied_network_are_left_out_alone(monkeypatch):
    notices = Notices(warn=False)
    monkeypatch.setattr(psutil, "disk_io_counters", lambda: None)

    def denied(pernic=False):
        raise PermissionError(13, "Permission denied", "/proc/net/dev")

    monkeypatch.setattr(psutil, "net_io_counters", denied)
    probe = HostProbe(Guard(notices))
    reading = _read(probe)
    assert not set(DISK_KEYS + NET_KEYS) & set(reading.totals)
    assert CPU_KEY in reading.rates and MEM_KEY in reading.levels
    assert notices.lines() == [
        "sys/disk_read_mb and sys/disk_write_mb not sampled: "
        "OSError: the system reports no disk counters",
        "sys/net_sent_mb and sys/net_recv_mb not sampled: "
        "PermissionError: [Errno 13] Permission denied: '/proc/net/dev'",
    ]
