"""A min/max sketch of every full block of a metric series, so an overview of N points reads
about N·64 sketch points instead of the whole series (10 M points: 1,221 rows of 1.8 KB, not
240 MB).

A block's sketch splits its points into ``SKETCH_BUCKETS`` equal index ranges and keeps, from
each, the first lowest and the first highest value (NaN ignored): 64 fixed-size records of
(index in the block, step, value, time); a range of NaN only has index -1. Sketches are written
once, when a block becomes full (every block but a series' last is full); a block without one
(the growing tail, or blocks stored before sketches existed) is read whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from ..core.downsample import minmax
from .schema import metric_blocks, metric_sketches, metric_summaries

SKETCH_BUCKETS = 32
BLOCK_POINTS = 8192  # points per block row of a series (metric_blocks.py)
RECORD = np.dtype([("i", "<i4"), ("s", "<i8"), ("v", "<f8"), ("t", "<f8")])


def sketch_of(steps: bytes, values: bytes, times: bytes) -> bytes:
    """The sketch of one block's packed arrays (``2 * SKETCH_BUCKETS`` records)."""
    v = np.frombuffer(values, dtype="<f8")
    n = len(v)
    width = -(-n // SKETCH_BUCKETS)  # ceil: the last range may be shorter
    pad = width * SKETCH_BUCKETS - n
    nan = np.isnan(np.pad(v, (0, pad), constant_values=np.nan)).reshape(SKETCH_BUCKETS, width)
    padded = np.pad(v, (0, pad)).reshape(SKETCH_BUCKETS, width)
    base = np.arange(SKETCH_BUCKETS) * width
    low = base + np.argmin(np.where(nan, np.inf, padded), axis=1)
    high = base + np.argmax(np.where(nan, -np.inf, padded), axis=1)
    idx = np.stack([low, high], axis=1).reshape(-1)
    empty = np.repeat(nan.all(axis=1), 2)
    idx = np.where(empty, 0, idx)
    out = np.empty(len(idx), dtype=RECORD)
    out["i"] = np.where(empty, -1, idx)
    out["s"] = np.frombuffer(steps, dtype="<i8")[idx]
    out["v"] = v[idx]
    out["t"] = np.frombuffer(times, dtype="<f8")[idx]
    return out.tobytes()


def sketch_rows(run_id: str, key: str, blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sketch rows for the given full blocks (dicts with seq, steps, values, times)."""
    return [
        {"run_id": run_id, "key": key, "seq": b["seq"],
         "sketch": sketch_of(b["steps"], b["values"], b["times"])}
        for b in blocks
    ]  # fmt: skip


def overview(
    conn: Connection, run_id: str, key: str, points: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """About ``points`` points of the series (steps, values, times) chosen by min/max over the
    point index, as the REST API's downsampling does, and the series' total point count."""
    b, k, m = metric_blocks.c, metric_sketches.c, metric_summaries.c
    series = and_(b.run_id == run_id, b.key == key)
    total = conn.execute(
        select(func.coalesce(func.max(m.count), 0)).where(m.run_id == run_id, m.key == key)
    ).scalar_one()
    blocks = -(-total // BLOCK_POINTS)
    # sketches when they hold several points per output point; else the points themselves
    coarse = total > points and 2 * SKETCH_BUCKETS * blocks >= 4 * points
    sketched: dict[int, bytes] = {}
    if coarse:
        rows = conn.execute(
            select(k.seq, k.sketch).where(k.run_id == run_id, k.key == key).order_by(k.seq)
        )
        sketched = {seq: sketch for seq, sketch in rows}
    missing = [s for s in range(blocks) if s not in sketched]
    raw: dict[int, tuple[bytes, bytes, bytes]] = {}
    if missing:
        query = select(b.seq, b.steps, b["values"], b.times).where(series)
        if sketched:
            query = query.where(b.seq.in_(missing))
        raw = {row[0]: (row[1], row[2], row[3]) for row in conn.execute(query)}
    index, steps, values, times, count = _assemble(sketched, raw)
    if count != total:  # blocks written otherwise than full-then-next: read them all
        everything = select(b.seq, b.steps, b["values"], b.times).where(series)
        raw = {row[0]: (row[1], row[2], row[3]) for row in conn.execute(everything)}
        index, steps, values, times, count = _assemble({}, raw)
    if len(index) > points:
        kept, _ = minmax(index.astype(np.float64), values, max(1, points // 2))
        pick = np.searchsorted(index, kept.astype(np.int64))
        steps, values, times = steps[pick], values[pick], times[pick]
    return steps, values, times, count


def _assemble(
    sketched: dict[int, bytes], raw: dict[int, tuple[bytes, bytes, bytes]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """(point index, steps, values, times) in index order, and the points counted."""
    parts: list[np.ndarray] = []
    count = 0
    if sketched:
        seqs = np.fromiter(sketched, dtype=np.int64, count=len(sketched))
        recs = np.frombuffer(b"".join(bytes(sketched[int(s)]) for s in seqs), dtype=RECORD)
        per = 2 * SKETCH_BUCKETS
        offsets = np.repeat(seqs * BLOCK_POINTS, per)
        good = recs["i"] >= 0
        part = np.empty(int(good.sum()), dtype=[("x", "<i8"), *RECORD.descr[1:]])
        part["x"] = (recs["i"].astype(np.int64) + offsets)[good]
        for name in ("s", "v", "t"):
            part[name] = recs[name][good]
        parts.append(part)
        count += len(seqs) * BLOCK_POINTS
    for seq, (st, va, ti) in raw.items():
        s = np.frombuffer(bytes(st), dtype="<i8")
        part = np.empty(len(s), dtype=[("x", "<i8"), *RECORD.descr[1:]])
        part["x"] = seq * BLOCK_POINTS + np.arange(len(s))
        part["s"], part["v"] = s, np.frombuffer(bytes(va), dtype="<f8")
        part["t"] = np.frombuffer(bytes(ti), dtype="<f8")
        parts.append(part)
        count += len(s)
    if not parts:
        empty = np.empty(0)
        return empty.astype(np.int64), empty.astype(np.int64), empty, empty, 0
    every = np.concatenate(parts)
    _, first = np.unique(every["x"], return_index=True)  # sorted, min and max of one point once
    every = every[first]
    return every["x"], every["s"], every["v"], every["t"], count
