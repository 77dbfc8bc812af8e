"""The in-memory point buffer of one run: per metric two typed arrays (no Python object per
point) that the logging thread appends to without taking a lock.

The writer takes an aligned prefix of each series (``take``): appends only ever go to the end
and each array operation is atomic under the GIL, so a concurrent ``log`` is never lost."""

from __future__ import annotations

import sys
import threading
from array import array
from collections.abc import Callable
from typing import Any

from ..core.series import SeriesChunk

_SWAP = sys.byteorder != "little"

#: (values.append, times.append, values, key index): what ``log`` needs per key
Slot = tuple[Callable[[float], None], Callable[[float], None], array, int]


class PointBuffer:
    """Pending points of one run, by metric. Steps are not stored per point: a series counts
    up from ``next_step`` and an explicit step is kept as a break ``(position, step)``."""

    __slots__ = ("breaks", "generation", "keys", "lock", "next_step", "slots", "times", "values")

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.values: list[array] = []
        self.times: list[array] = []
        self.breaks: list[list[tuple[int, int]]] = []
        self.next_step: list[int] = []  # the step of the next point not yet taken... of each key
        self.slots: dict[str, Slot] = {}
        self.lock = threading.Lock()  # takers, explicit steps and undo; never the plain log
        self.generation = 0  # bumped by every take

    @property
    def pending(self) -> int:
        return sum(len(v) for v in self.values)

    def add_key(self, key: str, next_step: int = 0) -> Slot:
        values, times = array("d"), array("d")
        kid = len(self.keys)
        self.values.append(values)
        self.times.append(times)
        self.breaks.append([])
        self.next_step.append(next_step)
        self.keys.append(key)
        slot = (values.append, times.append, values, kid)
        self.slots[key] = slot
        return slot

    def add_at(self, kid: int, step: int, value: float, t: float) -> None:
        """Append one point with an explicit step (caller holds ``lock``)."""
        self.breaks[kid].append((len(self.values[kid]), step))
        self.values[kid].append(value)
        self.times[kid].append(t)

    def take(self) -> list[tuple[str, array, array, array]]:
        """Remove and return every complete pending point as (key, steps, values, times)."""
        out = []
        with self.lock:
            self.generation += 1
            for kid, key in enumerate(list(self.keys)):
                values, times = self.values[kid], self.times[kid]
                n = min(len(values), len(times))  # a point being appended waits
                if not n:
                    continue
                vals, tms = values[:n], times[:n]
                del values[:n], times[:n]
                mine = [b for b in self.breaks[kid] if b[0] < n]
                if mine:
                    self.breaks[kid] = [(p - n, s) for p, s in self.breaks[kid] if p >= n]
                steps = _steps(self.next_step[kid], n, mine)
                self.next_step[kid] = steps[-1] + 1
                out.append((key, steps, vals, tms))
        return out

    def undo(self, items: Any, failed: str | None, generation: int) -> None:
        """Take back what a failing ``log`` call appended before ``failed``; when a take ran
        meanwhile those points are already on their way and stay. Always re-aligns the failed
        key's arrays (an interrupt may land between its appends)."""
        with self.lock:
            for key in items:
                slot = self.slots.get(key)
                if slot is None:
                    break
                values, times = self.values[slot[3]], self.times[slot[3]]
                if key == failed:
                    n = min(len(values), len(times))
                    del values[n:], times[n:]
                    break
                if generation == self.generation and values:
                    values.pop()
                    times.pop()


def _steps(base: int, n: int, breaks: list[tuple[int, int]]) -> array:
    """Steps of ``n`` points counting up from ``base``, restarting at each (position, step)."""
    out = array("q")
    pos, current = 0, base
    for p, step in breaks:
        out.extend(range(current, current + p - pos))
        pos, current = p, step
    out.extend(range(current, current + n - pos))
    return out


def pack(run_id: str, key: str, steps: array, values: array, times: array) -> SeriesChunk:
    """Pack one series' new points (little-endian bytes) with their summary."""
    total = sum(values)
    if total == total:
        lo, hi = min(values), max(values)
    else:  # a NaN (or inf - inf) is present: min and max ignore NaN
        finite = [v for v in values if v == v]
        lo, hi = (min(finite), max(finite)) if finite else (None, None)
    return SeriesChunk(
        run_id=run_id,
        key=key,
        steps=_le_bytes(steps),
        values=_le_bytes(values),
        times=_le_bytes(times),
        n=len(steps),
        last_value=values[-1],
        last_step=steps[-1],
        last_time=times[-1],
        min=lo,
        max=hi,
        sum=total,
    )


def _le_bytes(a: array) -> bytes:
    if _SWAP:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()
