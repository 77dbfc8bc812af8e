"""A packed slice of one metric series: three little-endian arrays (int64 step, float64 value,
float64 unix time) and the summary of just these points. What the writer hands the store and
what in-process subscribers of the writer receive."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_I8 = struct.Struct("<q")


@dataclass(frozen=True)
class SeriesChunk:
    """New points of one series, packed, with the summary of just these points."""

    run_id: str
    key: str
    steps: bytes
    values: bytes
    times: bytes
    n: int
    last_value: float
    last_step: int
    last_time: float
    min: float | None  # NaN ignored; None when every value is NaN
    max: float | None
    sum: float

    def step_at(self, i: int) -> int:
        return _I8.unpack_from(self.steps, i * 8)[0]
