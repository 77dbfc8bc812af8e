"""A reading of the machine, and what one run logs from successive readings.

Probes fill a ``Reading``: levels as they are now (memory, utilisation), counter pairs for
rates (CPU seconds against elapsed seconds) and running totals (bytes read). Each run turns
readings into its own values (``RunSeries``): rates over the time since *its* previous
reading, totals since *its* first, so runs sharing one sampler never share a baseline."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

MB = float(1 << 20)  # "MB" in series names means MiB, as nvidia-smi and top show memory


@dataclasses.dataclass
class Reading:
    #: ``time.monotonic()`` when the reading was taken
    time: float
    #: series key -> value as read
    levels: dict[str, float] = dataclasses.field(default_factory=dict)
    #: series key -> (amount, elapsed), both counting up; logged: 100 * Δamount / Δelapsed
    rates: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    #: series key -> a counter; logged: its growth since the run's first reading
    totals: dict[str, float] = dataclasses.field(default_factory=dict)


class Probe(Protocol):
    def read(self, reading: Reading) -> None:
        """Add what this probe measures now to ``reading``; never raise."""

    def describe(self) -> dict[str, Any]:
        """What the probe samples (JSON-serialisable), for the runs' context."""


class RunSeries:
    """The values one run logs from successive readings."""

    def __init__(self) -> None:
        self._previous: Reading | None = None
        self._base: dict[str, float] = {}
        self._last_total: dict[str, float] = {}

    def values(self, reading: Reading) -> dict[str, float]:
        out = dict(reading.levels)
        previous = self._previous
        if previous is not None:
            for key, (amount, elapsed) in reading.rates.items():
                before = previous.rates.get(key)
                if before is not None and elapsed > before[1]:
                    out[key] = max(0.0, 100.0 * (amount - before[0]) / (elapsed - before[1]))
        for key, total in reading.totals.items():
            last = self._last_total.get(key)
            if last is None:
                self._base[key] = total
            elif total < last:  # a counter went back (a device vanished): keep the growth
                self._base[key] -= last - total
            self._last_total[key] = total
            out[key] = total - self._base[key]
        self._previous = reading
        return out
