"""Bar 6: ``mlm.leaderboard_rows(exp, "acc", "max", where="params.lr > 0.001", limit=10)``
takes <= 5 ms at 1,000 runs and <= 50 ms at 100,000 runs.

Fixture (per size, fresh store): one experiment; N finished runs, each with 5 params (lr
log-uniform in 1e-5..1e-1, so about half pass the filter; batch, layers, optimizer, dropout)
and summaries of two metrics (acc, loss), inserted with SQLAlchemy Core executemany into the
store's own tables. Ours: the public call, median of REPS. Baseline: raw sqlite3 on the same
database file, ``SELECT run_id, last FROM metric_summaries WHERE experiment_id = ? AND
key = 'acc' ORDER BY last DESC LIMIT 10``.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time

from _common import figure, median, note, parse_args, tempdir


def build(store, n: int, seed: int = 7) -> str:
    from jupyter_mlm.store import schema

    rng = random.Random(seed)
    exp = store.get_or_create_experiment("bench")
    t0 = time.time() - n
    runs, params, sums = [], [], []
    for i in range(n):
        run_id = f"{i:032x}"
        start = t0 + i
        runs.append(dict(run_id=run_id, experiment_id=exp.experiment_id, name=f"run-{i}",
                         status="finished", parent_run_id=None, start_time=start,
                         end_time=start + 0.5, heartbeat_at=start + 0.5, host="bench", pid=1,
                         pid_started="0", user="bench", error=None, lifecycle="active"))
        values = {"lr": 10 ** rng.uniform(-5, -1), "batch": rng.choice([32, 64, 128]),
                  "layers": rng.randint(1, 8), "optimizer": rng.choice(["adam", "sgd"]),
                  "dropout": round(rng.random() * 0.5, 3)}
        for k, v in values.items():
            num = float(v) if isinstance(v, (int, float)) else None
            params.append(dict(run_id=run_id, key=k, value=json.dumps(v), value_num=num))
        for key, last in (("acc", rng.random()), ("loss", rng.random() * 3)):
            sums.append(dict(run_id=run_id, key=key, experiment_id=exp.experiment_id, last=last,
                             last_step=999, last_time=start + 0.5, min=last * 0.5,
                             max=last * 1.1, count=1000, sum=last * 1000))
    with store.engine.begin() as conn:
        for table, rows in ((schema.runs, runs), (schema.params, params),
                            (schema.metric_summaries, sums)):
            for lo in range(0, len(rows), 50_000):
                conn.execute(table.insert(), rows[lo:lo + 50_000])
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    return exp.experiment_id


def main() -> None:
    args = parse_args(__doc__)
    sizes = ((1_000, 5.0, 200), (20_000 if args.quick else 100_000, 50.0, 40))
    import jupyter_mlm as mlm
    from jupyter_mlm.store import open_store

    for n, bar_ms, reps in sizes:
        with tempdir(f"leaderboard{n}") as tmp:
            folder = tmp / "store"
            t_build = time.perf_counter()
            store = open_store(str(folder))
            exp_id = build(store, n)
            store.close()
            t_build = time.perf_counter() - t_build
            mlm.set_store(folder)
            con = sqlite3.connect(folder / "mlm.db")
            raw_sql = ("SELECT run_id, last FROM metric_summaries WHERE experiment_id = ? AND "
                       "key = 'acc' ORDER BY last DESC LIMIT 10")
            expected = None
            ours: list[int] = []
            base: list[int] = []
            ns = time.perf_counter_ns
            for i in range(reps + 3):
                t0 = ns()
                rows = mlm.leaderboard_rows("bench", "acc", "max", where="params.lr > 0.001",
                                            limit=10)
                t1 = ns()
                raw = con.execute(raw_sql, (exp_id,)).fetchall()
                t2 = ns()
                if i >= 3:
                    ours.append(t1 - t0)
                    base.append(t2 - t1)
                assert len(rows) == 10 and len(raw) == 10
                assert all(r.params["lr"] > 0.001 for r in rows)
                expected = expected or [r.run_ids for r in rows]
                assert [r.run_ids for r in rows] == expected
            con.close()
            label = f"{n // 1000}k"
            note(f"leaderboard fixture {n:,} runs built in {t_build:.1f} s")
            m = median(ours) / 1e6
            figure(f"leaderboard_top10_filtered_{label}_runs", m, "ms", median(base) / 1e6, None,
                   f"<= {bar_ms:g} ms", m <= bar_ms)
            mlm.set_store(None)


if __name__ == "__main__":
    main()
