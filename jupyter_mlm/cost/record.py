"""``RunRecord``: a run as cost and advice read it — its times, the prices recorded as it
started, what its system metrics sampled, and a reader of its ``sys/…`` series."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

_GPU_KEY = re.compile(r"sys/(gpu\d+)/")


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    name: str
    start_time: float
    end_time: float | None  # None while it runs: priced up to now
    #: ``context["cost"]``: what was recorded as it started (empty: nothing was)
    prices: Mapping[str, Any]
    #: ``context["system"]``: what its system metrics sampled (empty: none)
    system: Mapping[str, Any]
    #: the keys of its metrics
    keys: frozenset[str]
    #: the values of one of its series
    read: Callable[[str], np.ndarray]
    now: float | None = field(default=None, compare=False)  # default: time.time()

    @property
    def running(self) -> bool:
        return self.end_time is None

    @property
    def hours(self) -> float:
        """Wall hours from start to end (or to now while it runs)."""
        end = self.end_time if self.end_time is not None else (self.now or time.time())
        return max(0.0, end - self.start_time) / 3600.0

    @property
    def cpus(self) -> int | None:
        """The machine's logical CPUs, as recorded when it started or sampled."""
        cpus = self.prices.get("cpus") or self.system.get("cpus")
        return int(cpus) if cpus else None

    @property
    def machine(self) -> str | None:
        return self.prices.get("machine")

    def values(self, key: str) -> np.ndarray | None:
        """The values of series ``key``, None when the run has none."""
        if key not in self.keys:
            return None
        values = self.read(key)
        return values if len(values) else None

    def gpu_keys(self) -> list[str]:
        """``gpu0``, ``gpu1``… for every GPU with a series, in order."""
        found = {m.group(1) for k in self.keys if (m := _GPU_KEY.match(k))}
        return sorted(found, key=lambda g: int(g[3:]))

    def gpu_name(self, key: str) -> str:
        for gpu in self.system.get("gpus") or ():
            if gpu.get("key") == key:
                return str(gpu.get("name") or key)
        return key
