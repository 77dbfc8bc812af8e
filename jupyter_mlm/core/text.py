"""Plain-text formatting shared by the ``mlm`` command and the ``%mlm_track`` magics: aligned
tables, numbers, times, durations and sizes."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows (the first one the header) as left-aligned columns two spaces apart."""
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in rows
    )


def number(x: float) -> str:
    return "nan" if math.isnan(x) else f"{x:.6g}"


def when(t: float) -> str:
    """A unix time as local ``YYYY-MM-DD HH:MM:SS``."""
    return dt.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S")


def duration(start: float, end: float | None) -> str:
    """From ``start`` to ``end`` (or now): seconds under two minutes, else minutes."""
    seconds = (end if end is not None else time.time()) - start
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def size(n: int) -> str:
    """Bytes as B, KiB, MiB or GiB."""
    value = float(n)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
