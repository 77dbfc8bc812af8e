"""Bar 3: sustained persisted ingest, peak RSS, and memory flat over a 10 M-point run.

Ours: one run logs 10 M points as ``run.log(loss=..., acc=..., lr=...)`` (3 points per call,
auto steps) as fast as the caller can; the rate is points / (time from the first log() until
``run.flush()`` returned and ``history()`` of the three keys read every point back). RSS is
sampled every ~1 M points, right after a ``run.flush()`` (so a sample counts what the process
keeps, not how many points happen to wait in the buffer at that instant, which swings by
~100 MB at this rate); the growth from 2 M to 10 M points must stay small.

Baseline (same process, after ours): sqlite3 ``executemany`` of BASE_ROWS
(run_id, key, step, value, time) rows into a plain table of a WAL database
(synchronous=NORMAL, as the store uses), committed. The rows are built before the clock starts.
"""

from __future__ import annotations

import sqlite3
import time

from _common import figure, note, parse_args, peak_rss_mb, rss_mb, tempdir

RUN_ID = "0123456789abcdef0123456789abcdef"


def baseline_rows_per_s(folder, n: int) -> float:
    con = sqlite3.connect(folder / "raw.db")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE points (run_id TEXT, key TEXT, step INTEGER, value REAL, time REAL)")
    con.commit()
    keys = ("loss", "acc", "lr")
    now = time.time()
    rows = [(RUN_ID, keys[i % 3], i // 3, i * 1e-6, now + i * 1e-6) for i in range(n)]
    t0 = time.perf_counter_ns()
    con.executemany("INSERT INTO points VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    dt = time.perf_counter_ns() - t0
    con.close()
    return n / (dt / 1e9)


def main() -> None:
    args = parse_args(__doc__)
    total = 1_500_000 if args.quick else 10_000_000
    base_rows = 300_000 if args.quick else 1_000_000
    sample_every = total // 10
    import numpy  # noqa: F401 - imported before the clock (history() returns arrays)

    import jupyter_mlm as mlm

    with tempdir("ingest") as tmp:
        mlm.set_store(tmp / "store")
        run = mlm.start_run("bench", params={"lr": 0.001})
        log = run.log
        log(loss=0.0, acc=0.0, lr=0.0)  # first key creation outside the loop
        run.flush()
        rss0 = rss_mb()
        steps = -(-total // 3)
        samples: list[tuple[int, float]] = []
        next_sample = sample_every
        chunk = max(1, sample_every // 30)  # steps between checks of the sample point
        t0 = time.perf_counter_ns()
        step = 1
        while step <= steps:
            end = min(step + chunk, steps + 1)
            for i in range(step, end):
                x = i * 1e-6
                log(loss=x, acc=x, lr=x)
            step = end
            if (step - 1) * 3 >= next_sample:
                run.flush()
                samples.append(((step - 1) * 3, rss_mb()))
                next_sample += sample_every
        if not samples or samples[-1][0] < steps * 3:
            samples.append((steps * 3, rss_mb()))
        t_logged = time.perf_counter_ns()
        run.flush()
        t_flushed = time.perf_counter_ns()
        peak_ingest = peak_rss_mb()
        got = [len(run._store.history(run.run_id, k)[0]) for k in ("loss", "acc", "lr")]
        t_read = time.perf_counter_ns()
        assert got == [steps + 1] * 3, got
        run.finish()
        ours = steps * 3 / ((t_read - t0) / 1e9)
        base = baseline_rows_per_s(tmp, base_rows)

    note(f"ingest: {steps * 3:,} points in {(t_read - t0) / 1e9:.2f} s "
         f"(logging {(t_logged - t0) / 1e9:.2f} s, final flush {(t_flushed - t_logged) / 1e9:.3f} s, "
         f"history read-back {(t_read - t_flushed) / 1e9:.2f} s); baseline {base_rows:,} rows")
    note("RSS samples (points: MB): " + ", ".join(f"{p / 1e6:.0f}M: {m:.0f}" for p, m in samples))
    figure("ingest_rate", ours, "points/s", base, "rows/s", ">= 0.5x raw sqlite executemany",
           ours >= 0.5 * base)
    figure("ingest_peak_rss", peak_ingest, "MB", rss0, "MB = RSS before logging",
           "none (report only)", None)
    at2 = min(samples, key=lambda s: abs(s[0] - 2 * sample_every))[1]
    last = samples[-1][1]
    growth = last - at2
    figure("ingest_rss_growth_2M_to_10M" if not args.quick else "ingest_rss_growth_quick",
           growth, "MB", at2, "MB = RSS at 2M points", "< 50 MB", growth < 50)


if __name__ == "__main__":
    main()
