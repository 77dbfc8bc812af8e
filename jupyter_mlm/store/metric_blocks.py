"""Packed metric series: the store keeps each (run, key) series as rows of up to
``BLOCK_POINTS`` points, three little-endian arrays per row (int64 step, float64 value,
float64 unix time). Reading a million points is a hundred rows, not a million."""

from __future__ import annotations

import struct

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection

from ..core.series import SeriesChunk
from .metric_sketches import BLOCK_POINTS, sketch_rows
from .schema import metric_blocks, metric_sketches, metric_summaries

_I8 = struct.Struct("<q")

# Statements built once: a flush runs them for every series, and building a SQLAlchemy
# statement costs more than running it.
_b = metric_blocks.c
_SERIES = and_(_b.run_id == bindparam("b_run"), _b.key == bindparam("b_key"))
_TAIL = (
    select(_b.seq, _b.n, _b.steps, _b["values"], _b.times)
    .where(_SERIES)
    .order_by(_b.seq.desc())
    .limit(1)
    .with_for_update()
)
_TOP_UP = (
    metric_blocks.update()
    .where(and_(_SERIES, _b.seq == bindparam("b_seq")))
    .values(
        n=bindparam("v_n"),
        last_step=bindparam("v_last_step"),
        steps=bindparam("v_steps"),
        values=bindparam("v_values"),
        times=bindparam("v_times"),
    )
)
_INSERT_BLOCKS = metric_blocks.insert()
_INSERT_SKETCHES = metric_sketches.insert()


def write_chunks(
    conn: Connection, chunks: list[SeriesChunk], experiment_of: dict[str, str]
) -> None:
    """Append ``chunks`` to their series and update the per-run summaries, inside ``conn``'s
    transaction. The last block of a series is topped up before a new one is started, so a
    series logged a point a second still ends up in full blocks."""
    for chunk in chunks:
        _append(conn, chunk)
    _merge_summaries(conn, chunks, experiment_of)


def _append(conn: Connection, chunk: SeriesChunk) -> None:
    series = {"b_run": chunk.run_id, "b_key": chunk.key}
    tail = conn.execute(_TAIL, series).first()
    done = 0
    seq = -1
    full: list[dict] = []  # blocks this append fills: they get their sketch
    if tail is not None:
        seq = tail.seq
        room = BLOCK_POINTS - tail.n
        if room > 0:
            take = min(room, chunk.n)
            grown = {
                "seq": tail.seq,
                "steps": bytes(tail.steps) + chunk.steps[: take * 8],
                "values": bytes(tail.values) + chunk.values[: take * 8],
                "times": bytes(tail.times) + chunk.times[: take * 8],
            }
            conn.execute(
                _TOP_UP,
                {
                    **series,
                    "b_seq": tail.seq,
                    "v_n": tail.n + take,
                    "v_last_step": _I8.unpack_from(grown["steps"], len(grown["steps"]) - 8)[0],
                    "v_steps": grown["steps"],
                    "v_values": grown["values"],
                    "v_times": grown["times"],
                },
            )
            if tail.n + take == BLOCK_POINTS:
                full.append(grown)
            done = take
    rows = []
    while done < chunk.n:
        take = min(BLOCK_POINTS, chunk.n - done)
        lo, hi = done * 8, (done + take) * 8
        seq += 1
        rows.append(
            {
                "run_id": chunk.run_id,
                "key": chunk.key,
                "seq": seq,
                "n": take,
                "first_step": chunk.step_at(done),
                "last_step": chunk.step_at(done + take - 1),
                "steps": chunk.steps[lo:hi],
                "values": chunk.values[lo:hi],
                "times": chunk.times[lo:hi],
            }
        )
        done += take
        if take == BLOCK_POINTS:
            full.append(rows[-1])
    if rows:
        conn.execute(_INSERT_BLOCKS, rows)
    if full:
        conn.execute(_INSERT_SKETCHES, sketch_rows(chunk.run_id, chunk.key, full))


def _merge_summaries(
    conn: Connection, chunks: list[SeriesChunk], experiment_of: dict[str, str]
) -> None:
    s = metric_summaries.c
    merged: dict[tuple[str, str], dict] = {}
    for chunk in chunks:
        key = (chunk.run_id, chunk.key)
        new = {
            "run_id": chunk.run_id,
            "key": chunk.key,
            "experiment_id": experiment_of[chunk.run_id],
            "last": chunk.last_value,
            "last_step": chunk.last_step,
            "last_time": chunk.last_time,
            "min": chunk.min,
            "max": chunk.max,
            "count": chunk.n,
            "sum": chunk.sum,
        }
        merged[key] = _combine(merged[key], new) if key in merged else new
    run_ids = sorted({r for r, _ in merged})
    existing = {
        (row.run_id, row.key): row._asdict()
        for row in conn.execute(
            select(metric_summaries)
            .where(s.run_id.in_(run_ids), s.key.in_(sorted({k for _, k in merged})))
            .with_for_update()
        )
    }
    updates, inserts = [], []
    for key, new in merged.items():
        if key in existing:
            updates.append(_combine(_nan_from_null(existing[key]), new))
        else:
            inserts.append(new)
    if updates:
        cols = ("last", "last_step", "last_time", "min", "max", "count", "sum")
        stmt = (
            metric_summaries.update()
            .where(and_(s.run_id == bindparam("b_run"), s.key == bindparam("b_key")))
            .values({c: bindparam(f"v_{c}") for c in cols})
        )
        conn.execute(
            stmt,
            [
                {"b_run": u["run_id"], "b_key": u["key"], **{f"v_{c}": u[c] for c in cols}}
                for u in updates
            ],
        )
    if inserts:
        conn.execute(metric_summaries.insert(), inserts)


def _combine(old: dict, new: dict) -> dict:
    out = dict(new)
    out["count"] = old["count"] + new["count"]
    out["sum"] = old["sum"] + new["sum"]
    out["min"] = _pick(min, old["min"], new["min"])
    out["max"] = _pick(max, old["max"], new["max"])
    return out


def _pick(fn, a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return fn(a, b)


def _nan_from_null(row: dict) -> dict:
    """SQLite stores NaN as NULL; a summary over points has a number (maybe NaN) in last/sum."""
    for col in ("last", "sum"):
        if row[col] is None:
            row[col] = float("nan")
    return row
