"""The in-memory point buffer of one run: per metric two typed arrays (no Python object per
point) that the logging thread appends to without taking a lock.

The writer takes an aligned prefix of each series (``take``): appends only ever go to the end
and each array operation is atomic under the GIL, so a concurrent ``log`` is never lost.

Steps are not stored per point. A series counts up by one; a point logged with another step
than the one it would count to starts a new count, kept as a break ``(index, step)`` where
``index`` counts every point the key ever had (taken ones too), so a take never moves it.
``log(..., step=)`` reads ``taken[kid] + len(values)`` without the lock and trusts it only
when ``generation`` (odd while a take runs) did not change meanwhile. A key is appended to by
one thread at a time (for explicit steps, several threads logging one key at once could
each count the same step)."""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from ..core.series import SeriesChunk

#: (values.append, times.append, values, key index): what ``log`` needs per key
Slot = tuple[Callable[[float], None], Callable[[float], None], array, int]


class PointBuffer:
    """Pending points of one run, by metric (see the module docstring for the steps)."""

    __slots__ = (
        "breaks",
        "generation",
        "keys",
        "lock",
        "next_step",
        "origin",
        "slots",
        "taken",
        "times",
        "values",
    )

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.values: list[array] = []
        self.times: list[array] = []
        self.breaks: list[list[tuple[int, int]]] = []  # (index, step), index ascending
        self.taken: list[int] = []  # points of each key taken so far: the index of values[0]
        self.next_step: list[int] = []  # the step values[0] has unless a break says otherwise
        self.origin: list[int] = []  # step - index of the key's newest point (logger's own)
        self.slots: dict[str, Slot] = {}
        self.lock = threading.Lock()  # takers, undo, index_of_next; never held by a log call
        self.generation = 0  # +1 as a take starts, +1 as it ends

    @property
    def pending(self) -> int:
        return sum(len(v) for v in self.values)

    def add_key(self, key: str, next_step: int = 0) -> Slot:
        """A new series; under the lock, as two threads may add keys at once (the training
        loop and the system-metrics sampler)."""
        values, times = array("d"), array("d")
        with self.lock:
            if key in self.slots:
                return self.slots[key]
            kid = len(self.keys)
            self.values.append(values)
            self.times.append(times)
            self.breaks.append([])  # the same list for the key's lifetime
            self.taken.append(0)
            self.next_step.append(next_step)
            self.origin.append(next_step)
            self.keys.append(key)
            slot = (values.append, times.append, values, kid)
            self.slots[key] = slot
        return slot

    def index_of_next(self, kid: int) -> int:
        """The index the next point of key ``kid`` gets, read under the lock."""
        with self.lock:
            return self.taken[kid] + len(self.values[kid])

    def take(self) -> list[tuple[str, Any, array, array]]:
        """Remove and return every complete pending point as (key, steps, values, times)."""
        out = []
        with self.lock:
            self.generation += 1
            try:
                for kid, key in enumerate(list(self.keys)):
                    values, times = self.values[kid], self.times[kid]
                    n = min(len(values), len(times))  # a point being appended waits
                    if not n:
                        continue
                    first = self.taken[kid]
                    breaks = self.breaks[kid]
                    mine = breaks[: bisect_left(breaks, first + n, key=_index)]
                    vals, tms = values[:n], times[:n]
                    del values[:n], times[:n], breaks[: len(mine)]
                    self.taken[kid] = first + n
                    steps = _steps(self.next_step[kid], first, n, mine)
                    self.next_step[kid] = int(steps[-1]) + 1
                    out.append((key, steps, vals, tms))
            finally:
                self.generation += 1
        return out

    def undo(self, items: Any, failed: str | None, generation: int) -> None:
        """Take back what a failing ``log`` call appended before ``failed`` (its points, their
        breaks); when a take ran meanwhile those points are already on their way and stay.
        Always re-aligns the failed key's arrays (an interrupt may land between appends)."""
        with self.lock:
            for key in items:
                slot = self.slots.get(key)
                if slot is None:
                    break
                kid = slot[3]
                values, times, breaks = self.values[kid], self.times[kid], self.breaks[kid]
                if key == failed:
                    n = min(len(values), len(times))
                    del values[n:], times[n:]
                elif generation == self.generation and values:
                    values.pop()
                    times.pop()
                end = self.taken[kid] + len(values)
                while breaks and breaks[-1][0] >= end:
                    breaks.pop()
                if breaks:
                    self.origin[kid] = breaks[-1][1] - breaks[-1][0]
                else:
                    self.origin[kid] = self.next_step[kid] - self.taken[kid]
                if key == failed:
                    break


def _index(brk: tuple[int, int]) -> int:
    return brk[0]


def _steps(base: int, first: int, n: int, breaks: list[tuple[int, int]]) -> Any:
    """Steps (int64 numpy array) of the ``n`` points from index ``first``, counting up from
    ``base`` and restarting at each break (index, step)."""
    import numpy as np

    out = np.arange(n, dtype=np.int64)  # + each run's first step, minus its first index
    pos, current = first, base
    for index, step in breaks:
        out[pos - first : index - first] += current - (pos - first)
        pos, current = index, step
    out[pos - first :] += current - (pos - first)
    return out


def pack(run_id: str, key: str, steps: Any, values: Any, times: Any) -> SeriesChunk:
    """Pack one series' new points (little-endian bytes) with their summary. ``steps``,
    ``values`` and ``times``: int64, float64 and float64 buffers (``array`` or numpy)."""
    import numpy as np

    s = np.frombuffer(steps, dtype=np.int64)
    v = np.frombuffer(values, dtype=np.float64)
    t = np.frombuffer(times, dtype=np.float64)
    total = float(v.sum())
    lo: float | None
    hi: float | None
    if total == total:
        lo, hi = float(v.min()), float(v.max())
    else:  # a NaN (or inf - inf) is present: min and max ignore NaN
        finite = v[~np.isnan(v)]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (None, None)
    return SeriesChunk(
        run_id=run_id,
        key=key,
        steps=s.astype("<i8", copy=False).tobytes(),
        values=v.astype("<f8", copy=False).tobytes(),
        times=t.astype("<f8", copy=False).tobytes(),
        n=len(s),
        last_value=float(v[-1]),
        last_step=int(s[-1]),
        last_time=float(t[-1]),
        min=lo,
        max=hi,
        sum=total,
    )
