"""Bar 5: reading a metric's history: 10k points <= 5 ms, 1 M points <= 50 ms; an overview
of 500 points of a 10 M-point series (``store.history_overview``, what the REST API's
``?points=500`` reads) <= 20 ms.

Fixture: two runs in a fresh store, one with a 10k-point and one with a 1 M-point series,
bulk-loaded with ``series.pack`` + ``store.write_metrics`` (as the writer would). Ours:
``store.metrics.history(run_id, key)`` -> (steps, values, times) numpy arrays, median of several
reads. Baseline: the same points in a plain one-row-per-point sqlite3 table (index on
run_id, key, step) and ``SELECT step, value, time ... ORDER BY step`` + ``fetchall()``.
"""

from __future__ import annotations

import sqlite3
import time

from _common import figure, load_series, median, note, parse_args, tempdir


def main() -> None:
    args = parse_args(__doc__)
    big = 200_000 if args.quick else 1_000_000
    import numpy  # noqa: F401

    from jupyter_mlm.store import open_store

    with tempdir("history") as tmp:
        store = open_store(str(tmp / "store"))
        exp = store.experiments.get_or_create("bench")
        runs = {}
        for n in (10_000, big):
            info = store.runs.create(
                exp.experiment_id, name=None, params={}, tags={}, parent_run_id=None
            )
            load_series(store, info.run_id, "loss", n)
            store.runs.end(info.run_id, "finished")
            runs[n] = info.run_id

        con = sqlite3.connect(tmp / "raw.db")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute(
            "CREATE TABLE points (run_id TEXT, key TEXT, step INTEGER, value REAL, time REAL)"
        )
        con.execute("CREATE INDEX ix_points ON points (run_id, key, step)")
        now = time.time()
        for n, run_id in runs.items():
            con.executemany(
                "INSERT INTO points VALUES (?, ?, ?, ?, ?)",
                ((run_id, "loss", i, i * 1e-6, now + i * 1e-3) for i in range(n)),
            )
        con.commit()

        def raw(run_id: str) -> list:
            return con.execute(
                "SELECT step, value, time FROM points WHERE run_id = ? AND key = ? ORDER BY step",
                (run_id, "loss"),
            ).fetchall()

        ns = time.perf_counter_ns
        for n, reps, base_reps, bar_ms in ((10_000, 200, 200, 5.0), (big, 15, 3, 50.0)):
            run_id = runs[n]
            ours: list[int] = []
            base: list[int] = []
            store.metrics.history(run_id, "loss")  # warm up
            raw(run_id)
            for i in range(reps):
                t0 = ns()
                steps, values, times = store.metrics.history(run_id, "loss")
                t1 = ns()
                ours.append(t1 - t0)
                assert len(steps) == len(values) == len(times) == n
                if i < base_reps:
                    t0 = ns()
                    rows = raw(run_id)
                    base.append(ns() - t0)
                    assert len(rows) == n
                    del rows
            label = "10k" if n == 10_000 else ("1M" if n == 1_000_000 else f"{n // 1000}k")
            m = median(ours) / 1e6
            figure(
                f"history_read_{label}",
                m,
                "ms",
                median(base) / 1e6,
                None,
                f"<= {bar_ms:g} ms",
                m <= bar_ms,
            )
        con.close()
        overview(store, exp.experiment_id, 2_000_000 if args.quick else 10_000_000)
        store.close()


def overview(store, experiment_id: str, n: int) -> None:
    """``history_overview(points=500)`` of an ``n``-point series against reading it whole and
    downsampling it the same way (min/max over the point index), median of several reads."""
    import numpy as np

    from jupyter_mlm.core.downsample import minmax

    info = store.runs.create(experiment_id, name=None, params={}, tags={}, parent_run_id=None)
    t0 = time.perf_counter()
    load_series(store, info.run_id, "loss", n, chunk=500_000)
    note(f"{n:,}-point series loaded in {time.perf_counter() - t0:.1f} s")
    ns = time.perf_counter_ns
    ours: list[int] = []
    base: list[int] = []
    for i in range(12):
        t0 = ns()
        steps, values, _, total = store.metrics.overview(info.run_id, "loss", 500)
        ours.append(ns() - t0)
        assert total == n and 0 < len(steps) <= 500
        if i < 3:
            t0 = ns()
            all_steps, all_values, _ = store.metrics.history(info.run_id, "loss")
            minmax(np.arange(len(all_steps)), all_values, 250)
            base.append(ns() - t0)
            assert values.max() == all_values.max() and values.min() == all_values.min()
    label = f"{n // 1_000_000}M"
    m = median(ours) / 1e6
    figure(f"history_overview_500_of_{label}", m, "ms", median(base) / 1e6,
           "ms (whole series read + min/max)", "<= 20 ms", m <= 20)  # fmt: skip


if __name__ == "__main__":
    main()
