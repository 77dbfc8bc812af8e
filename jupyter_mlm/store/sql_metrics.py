"""Metric series in the database: writing packed chunks (at most once per journal), reading a
history whole or from an offset, an overview from the block sketches, and where automatic steps
resume."""

from __future__ import annotations

import time
import warnings

from sqlalchemy import bindparam, exc, select
from sqlalchemy.engine import Engine

from ..core.series import SeriesChunk
from . import engine as db
from .metric_blocks import write_chunks
from .run_loading import require_run
from .run_repositories import MetricRepository
from .schema import journal_replays, metric_blocks, metric_summaries, runs

_HISTORY = (
    select(metric_blocks.c.steps, metric_blocks.c["values"], metric_blocks.c.times)
    .where(
        metric_blocks.c.run_id == bindparam("b_run_id"),
        metric_blocks.c.key == bindparam("b_key"),
        metric_blocks.c.seq >= bindparam("b_seq"),
    )
    .order_by(metric_blocks.c.seq)
)
_HISTORY_PG = (
    'SELECT steps, "values", times FROM metric_blocks WHERE run_id = %s AND key = %s '
    "AND seq >= %s ORDER BY seq"
)


class SqlMetrics(MetricRepository):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def write(self, chunks: list[SeriesChunk], *, journal_id: str | None = None) -> bool:
        run_ids = sorted({c.run_id for c in chunks})
        try:
            with db.write(self.engine, "write metrics") as conn:
                if journal_id is not None:
                    conn.execute(
                        journal_replays.insert().values(
                            journal_id=journal_id, replayed_at=time.time()
                        )
                    )
                experiment_of = dict(
                    conn.execute(
                        select(runs.c.run_id, runs.c.experiment_id).where(
                            runs.c.run_id.in_(run_ids)
                        )
                    ).all()
                )
                gone = set(run_ids) - set(experiment_of)
                if gone:
                    warnings.warn(
                        f"jupyter-mlm: dropped metrics of deleted run(s) {', '.join(sorted(gone))}",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                    chunks = [c for c in chunks if c.run_id not in gone]
                write_chunks(conn, chunks, experiment_of)
        except exc.IntegrityError:
            if journal_id is not None and self._journal_done(journal_id):
                return False
            raise
        return True

    def _journal_done(self, journal_id: str) -> bool:
        with db.read(self.engine, "read the journal log") as conn:
            return (
                conn.execute(
                    select(journal_replays.c.journal_id).where(
                        journal_replays.c.journal_id == journal_id
                    )
                ).first()
                is not None
            )

    def overview(self, run_id: str, key: str, points: int):
        """About ``points`` points of a series (min/max over the point index) and its total
        count, read from the blocks' sketches: a cost in proportion to ``points``, not to the
        series. ``(steps, values, times, total)``."""
        if isinstance(points, bool) or not isinstance(points, int) or points < 2:
            raise ValueError(f"points must be an int >= 2, got {points!r}")
        from .metric_sketches import overview

        with db.read(self.engine, f"read metric {key!r} of run {run_id}") as conn:
            found = overview(conn, run_id, key, points)
            if not found[3]:
                require_run(conn, run_id)
        return found

    def history(self, run_id: str, key: str, start: int = 0):
        import numpy as np

        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise ValueError(f"start must be a non-negative int, got {start!r}")
        with db.read(self.engine, f"read metric {key!r} of run {run_id}") as conn:
            first_seq, skip = 0, 0
            if start:  # only the blocks holding points from ``start`` on
                b = metric_blocks.c
                sizes = conn.execute(
                    select(b.seq, b.n).where(b.run_id == run_id, b.key == key).order_by(b.seq)
                ).all()
                before = 0
                first_seq = sizes[-1].seq + 1 if sizes else 0
                for seq, n in sizes:
                    if before + n > start:
                        first_seq, skip = seq, start - before
                        break
                    before += n
            if self.engine.dialect.name == "postgresql":
                # bytea in binary format: the default text (hex) format doubles the transfer
                with conn.connection.driver_connection.cursor(binary=True) as cur:  # type: ignore[union-attr]
                    cur.execute(_HISTORY_PG, (run_id, key, first_seq))
                    rows = cur.fetchall()
            else:
                rows = conn.execute(
                    _HISTORY, {"b_run_id": run_id, "b_key": key, "b_seq": first_seq}
                ).all()
            if not rows and not start:
                require_run(conn, run_id)
        steps = np.frombuffer(b"".join(r[0] for r in rows), dtype="<i8")[skip:]
        values = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f8")[skip:]
        times = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f8")[skip:]
        return steps, values, times

    def last_steps(self, run_id: str) -> dict[str, int]:
        """The step of each metric's last logged point (where automatic steps resume)."""
        s = metric_summaries.c
        with db.read(self.engine, "read metric steps") as conn:
            stmt = select(s.key, s.last_step).where(s.run_id == run_id)
            return {key: int(step) for key, step in conn.execute(stmt)}
