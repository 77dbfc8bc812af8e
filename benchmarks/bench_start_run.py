"""Bar 4: ``mlm.start_run(exp, params=<5 params>)`` + ``run.finish()`` takes at most 1 ms.

Median over REPS runs in an existing store (the store is opened and the experiment created
before timing). Baseline, for scale, interleaved with ours: a raw sqlite3 INSERT of one row +
COMMIT into a WAL database (synchronous=NORMAL, like the store).
"""

from __future__ import annotations

import sqlite3
import time

from _common import figure, median, parse_args, pct, tempdir


def main() -> None:
    args = parse_args(__doc__)
    reps = 50 if args.quick else 300
    import jupyter_mlm as mlm

    with tempdir("startrun") as tmp:
        mlm.set_store(tmp / "store")
        mlm.start_run("bench").finish()  # opens the store, creates the experiment
        con = sqlite3.connect(tmp / "raw.db", isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY, name TEXT, start REAL)")
        ours: list[int] = []
        base: list[int] = []
        ns = time.perf_counter_ns
        for i in range(reps + 10):
            params = {"lr": 0.001 * (i + 1), "batch": 64, "layers": 3, "optimizer": "adam",
                      "dropout": 0.1}
            t0 = ns()
            run = mlm.start_run("bench", params=params)
            run.finish()
            t1 = ns()
            con.execute("BEGIN")
            con.execute("INSERT INTO runs VALUES (?, ?, ?)", (f"{i:032x}", f"run-{i}", time.time()))
            con.execute("COMMIT")
            t2 = ns()
            if i >= 10:  # the first few warm caches up
                ours.append(t1 - t0)
                base.append(t2 - t1)
        con.close()

    figure("start_run_finish_median", median(ours) / 1e6, "ms", median(base) / 1e6, None,
           "<= 1 ms", median(ours) <= 1e6)
    figure("start_run_finish_p99", pct(ours, 99) / 1e6, "ms", pct(base, 99) / 1e6, None,
           "none (report only)", None)


if __name__ == "__main__":
    main()
