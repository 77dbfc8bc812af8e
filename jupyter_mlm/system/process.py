"""This process through psutil: CPU (its own and its children's, as a percent of one core,
so 250 means two and a half cores busy) and resident memory."""

from __future__ import annotations

import time
from typing import Any

from .notices import Guard
from .readings import MB, Reading

CPU_KEY = "sys/cpu_percent"
RSS_KEY = "sys/rss_mb"
#: share of one core that looking for child processes may take (it reads every process's
#: /proc entry, so on a host with thousands of processes it is done less often)
CHILD_SCAN_SHARE = 0.002


class ProcessProbe:
    """CPU seconds of a process and of its descendants, and its resident set size."""

    def __init__(self, guard: Guard, pid: int | None = None) -> None:
        import psutil

        self._psutil = psutil
        self._guard = guard
        self._proc = psutil.Process(pid)
        self._children: dict[int, Any] = {}  # pid -> psutil.Process of a live descendant
        self._scanned_at = -float("inf")
        self._scan_every = 0.0

    def read(self, reading: Reading) -> None:
        cpu = self._guard.read((CPU_KEY,), self._cpu_seconds)
        if cpu is not None:
            reading.rates[CPU_KEY] = (cpu, reading.time)
        rss = self._guard.read((RSS_KEY,), self._rss_mb)
        if rss is not None:
            reading.levels[RSS_KEY] = rss

    def describe(self) -> dict[str, Any]:
        return {"pid": self._proc.pid}

    def _rss_mb(self) -> float:
        return float(self._proc.memory_info().rss) / MB

    def _cpu_seconds(self) -> float:
        """User + system seconds of the process, of its children it has waited for, and of
        its live descendants (looked for as often as ``CHILD_SCAN_SHARE`` allows)."""
        own = self._proc.cpu_times()
        total = own.user + own.system + own.children_user + own.children_system
        self._find_children()
        gone = []
        for pid, child in self._children.items():
            try:
                times = child.cpu_times()
            except (self._psutil.NoSuchProcess, self._psutil.AccessDenied):
                gone.append(pid)  # reaped: its time is in children_* now (if ours to reap)
                continue
            total += times.user + times.system + times.children_user + times.children_system
        for pid in gone:
            del self._children[pid]
        return total

    def _find_children(self) -> None:
        now = time.monotonic()
        if now - self._scanned_at < self._scan_every:
            return
        t0 = time.perf_counter()
        try:
            found = self._proc.children(recursive=True)
        except self._psutil.Error:
            found = []
        self._children = {c.pid: self._children.get(c.pid, c) for c in found}
        self._scanned_at = now
        self._scan_every = (time.perf_counter() - t0) / CHILD_SCAN_SHARE
