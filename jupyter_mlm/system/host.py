"""The machine through psutil: CPU busy (percent of all cores), memory in use (percent),
and disk and network traffic (MB since the run's first sample; loopback left out)."""

from __future__ import annotations

from typing import Any

from .notices import Guard
from .readings import MB, Reading

CPU_KEY = "sys/host_cpu_percent"
MEM_KEY = "sys/host_mem_percent"
DISK_KEYS = ("sys/disk_read_mb", "sys/disk_write_mb")
NET_KEYS = ("sys/net_sent_mb", "sys/net_recv_mb")


class HostProbe:
    """Whole-machine figures (in a container: what the kernel reports, usually the host's)."""

    def __init__(self, guard: Guard) -> None:
        import psutil

        self._psutil = psutil
        self._guard = guard

    def read(self, reading: Reading) -> None:
        guard = self._guard
        cpu = guard.read((CPU_KEY,), self._cpu_busy_total)
        if cpu is not None:
            reading.rates[CPU_KEY] = cpu
        mem = guard.read((MEM_KEY,), self._mem_percent)
        if mem is not None:
            reading.levels[MEM_KEY] = mem
        for keys, fn in ((DISK_KEYS, self._disk_mb), (NET_KEYS, self._net_mb)):
            pair = guard.read(keys, fn)
            if pair is not None:
                reading.totals[keys[0]], reading.totals[keys[1]] = pair

    def describe(self) -> dict[str, Any]:
        return {"cpus": self._psutil.cpu_count()}

    def _cpu_busy_total(self) -> tuple[float, float]:
        """(busy, all) CPU seconds over every core since boot, as psutil.cpu_percent counts."""
        t = self._psutil.cpu_times()
        total = sum(t) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)
        return total - t.idle - getattr(t, "iowait", 0.0), total

    def _mem_percent(self) -> float:
        return float(self._psutil.virtual_memory().percent)

    def _disk_mb(self) -> tuple[float, float]:
        io = self._psutil.disk_io_counters()
        if io is None:
            raise OSError("the system reports no disk counters")
        return io.read_bytes / MB, io.write_bytes / MB

    def _net_mb(self) -> tuple[float, float]:
        nics = self._psutil.net_io_counters(pernic=True)
        real = [c for name, c in nics.items() if name != "lo" and not name.startswith("lo0")]
        if not nics:
            raise OSError("the system reports no network counters")
        return sum(c.bytes_sent for c in real) / MB, sum(c.bytes_recv for c in real) / MB
