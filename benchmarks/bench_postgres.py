"""Bar 9: PostgreSQL on loopback: ingest >= 100k points/s; 1 M-point history read <= 200 ms.

Runs only with ``--postgres`` (starts a throwaway server with tests/pg_server.py: fsync off,
synchronous_commit off, loopback TCP) or with $MLM_BENCH_POSTGRES_URI set (an existing,
empty-able database: its public schema is dropped and re-created!). Otherwise it prints a
'# skipped' note.

* ingest: like bench_ingest, one run logging ``run.log(loss=, acc=, lr=)`` (3 points per
  call) as fast as possible; points / (first log() .. flushed and read back by history()).
  Baseline: psycopg ``executemany`` of (run_id, key, step, value, time) rows into a plain
  table, committed.
* history: a 1 M-point series bulk-loaded with ``pack`` + ``write_metrics``, read with
  ``store.metrics.history()`` (median of REPS). Baseline: the same points one row per point in a plain
  indexed table, ``SELECT step, value, time ... ORDER BY step`` + ``fetchall()``.
"""

from __future__ import annotations

import os
import time

from _common import (
    figure,
    libpq_uri,
    load_series,
    median,
    note,
    parse_args,
    postgres_uri,
    reset_postgres_schema,
    tempdir,
)

RUN_ID = "0123456789abcdef0123456789abcdef"


def raw_ingest(uri: str, n: int) -> float:
    import psycopg

    keys = ("loss", "acc", "lr")
    now = time.time()
    rows = [(RUN_ID, keys[i % 3], i // 3, i * 1e-6, now + i * 1e-6) for i in range(n)]
    with psycopg.connect(libpq_uri(uri)) as conn:
        conn.execute(
            "CREATE TABLE bench_ingest (run_id TEXT, key TEXT, step BIGINT, "
            "value DOUBLE PRECISION, time DOUBLE PRECISION)"
        )
        conn.commit()
        t0 = time.perf_counter_ns()
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO bench_ingest VALUES (%s, %s, %s, %s, %s)", rows)
        conn.commit()
        dt = time.perf_counter_ns() - t0
    return n / (dt / 1e9)


def main() -> None:
    args = parse_args(__doc__, postgres=True)
    points = 300_000 if args.quick else 1_500_000
    base_rows = 50_000 if args.quick else 150_000
    big = 200_000 if args.quick else 1_000_000
    with postgres_uri(args.postgres) as uri:
        if uri is None:
            note("bench_postgres skipped: pass --postgres or set MLM_BENCH_POSTGRES_URI")
            return
        import numpy  # noqa: F401
        import psycopg

        import jupyter_mlm as mlm

        with tempdir("postgres") as tmp:
            os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")  # the remote store's journal
            reset_postgres_schema(uri)
            mlm.set_store(uri, artifacts=str(tmp / "blobs"))

            # --- ingest -------------------------------------------------------------------
            run = mlm.start_run("bench", params={"lr": 0.001})
            log = run.log
            log(loss=0.0, acc=0.0, lr=0.0)
            run.flush()
            steps = -(-points // 3)
            t0 = time.perf_counter_ns()
            for i in range(1, steps + 1):
                x = i * 1e-6
                log(loss=x, acc=x, lr=x)
            t_logged = time.perf_counter_ns()
            run.flush()
            t_flushed = time.perf_counter_ns()
            got = [len(run.history(k)[0]) for k in ("loss", "acc", "lr")]
            t_read = time.perf_counter_ns()
            assert got == [steps + 1] * 3, got
            run.finish()
            ours = steps * 3 / ((t_read - t0) / 1e9)
            base = raw_ingest(uri, base_rows)
            note(
                f"postgres ingest: {steps * 3:,} points in {(t_read - t0) / 1e9:.2f} s "
                f"(logging {(t_logged - t0) / 1e9:.2f} s, final flush "
                f"{(t_flushed - t_logged) / 1e9:.3f} s, read-back "
                f"{(t_read - t_flushed) / 1e9:.2f} s); baseline {base_rows:,} rows"
            )
            figure(
                "pg_ingest_rate",
                ours,
                "points/s",
                base,
                "rows/s (psycopg executemany)",
                ">= 100k points/s",
                ours >= 100_000,
            )

            # --- history ------------------------------------------------------------------
            store = run._store
            exp = store.experiments.get_or_create("bench")
            info = store.runs.create(
                exp.experiment_id, name=None, params={}, tags={}, parent_run_id=None
            )
            load_series(store, info.run_id, "loss", big)
            store.runs.end(info.run_id, "finished")
            now = time.time()
            with psycopg.connect(libpq_uri(uri)) as conn:
                conn.execute(
                    "CREATE TABLE bench_points (run_id TEXT, key TEXT, step BIGINT, "
                    "value DOUBLE PRECISION, time DOUBLE PRECISION)"
                )
                with (
                    conn.cursor() as cur,
                    cur.copy("COPY bench_points (run_id, key, step, value, time) FROM STDIN") as cp,
                ):
                    for i in range(big):
                        cp.write_row((info.run_id, "loss", i, i * 1e-6, now + i * 1e-3))
                conn.execute("CREATE INDEX ix_bench_points ON bench_points (run_id, key, step)")
                conn.commit()
                conn.execute("ANALYZE bench_points")
                conn.commit()

                def raw() -> list:
                    rows = conn.execute(
                        "SELECT step, value, time FROM bench_points "
                        "WHERE run_id = %s AND key = %s ORDER BY step",
                        (info.run_id, "loss"),
                    ).fetchall()
                    conn.commit()
                    return rows

                ns = time.perf_counter_ns
                store.metrics.history(info.run_id, "loss")  # warm up (the raw query is slow enough)
                t_ours: list[int] = []
                t_base: list[int] = []
                for i in range(3 if args.quick else 10):
                    t0 = ns()
                    s, v, t = store.metrics.history(info.run_id, "loss")
                    t_ours.append(ns() - t0)
                    assert len(s) == len(v) == len(t) == big
                    if i < 3:
                        t0 = ns()
                        assert len(raw()) == big
                        t_base.append(ns() - t0)
            m = median(t_ours) / 1e6
            label = "1M" if big == 1_000_000 else f"{big // 1000}k"
            figure(
                f"pg_history_read_{label}",
                m,
                "ms",
                median(t_base) / 1e6,
                None,
                "<= 200 ms",
                m <= 200,
            )
            mlm.set_store(None)
            store.close()


if __name__ == "__main__":
    main()
