"""The in-memory point buffer of one run: per metric three typed arrays (no Python object per
point), swapped out whole by the background writer."""

from __future__ import annotations

import sys
from array import array

from ..store.metric_blocks import SeriesChunk

_SWAP = sys.byteorder != "little"


class PointBuffer:
    """Pending points of one run, by metric index. Callers hold ``lock`` (owned by the run)."""

    __slots__ = ("keys", "pending", "steps", "times", "values")

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.steps: list[array] = []
        self.values: list[array] = []
        self.times: list[array] = []
        self.pending = 0

    def add_key(self, key: str) -> int:
        self.keys.append(key)
        self.steps.append(array("q"))
        self.values.append(array("d"))
        self.times.append(array("d"))
        return len(self.keys) - 1

    def take(self) -> list[tuple[str, array, array, array]]:
        """Remove and return every pending series as (key, steps, values, times)."""
        out = []
        for kid, steps in enumerate(self.steps):
            if steps:
                values, times = self.values[kid], self.times[kid]
                n = min(len(steps), len(values), len(times))  # an interrupt mid-append
                del steps[n:], values[n:], times[n:]
                out.append((self.keys[kid], steps, values, times))
                self.steps[kid] = array("q")
                self.values[kid] = array("d")
                self.times[kid] = array("d")
        self.pending = 0
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
