"""Bar 1: the caller's cost of ``run.log(loss=x)``.

Calls are timed in batches of BATCH (one perf_counter_ns pair per batch, divided by BATCH) so
the timer does not dominate; the median over batches is the figure and the p99 over batches
is reported too. The background writer runs meanwhile (its flushes land in some batches: that
is what the p99 shows). Baseline: appending a ("loss", x) tuple to a collections.deque, timed
the same way, interleaved with ours.
"""

from __future__ import annotations

import collections
import time

from _common import figure, median, parse_args, pct, tempdir

BATCH = 1000


def main() -> None:
    args = parse_args(__doc__)
    rounds = 40 if args.quick else 200  # rounds x 10 batches x BATCH calls per side
    import jupyter_mlm as mlm

    with tempdir("logcall") as tmp:
        mlm.set_store(tmp)
        run = mlm.start_run("bench", params={"lr": 0.1})
        log = run.log
        dq: collections.deque = collections.deque()
        append = dq.append
        ns = time.perf_counter_ns
        x = 0.25
        ours: list[float] = []
        base: list[float] = []
        for _ in range(200):  # warm up: first key creation, the writer thread
            log(loss=x)
        for _ in range(rounds):
            for _ in range(10):
                t0 = ns()
                for _ in range(BATCH):
                    log(loss=x)
                t1 = ns()
                ours.append((t1 - t0) / BATCH)
            for _ in range(10):
                t0 = ns()
                for _ in range(BATCH):
                    append(("loss", x))
                t1 = ns()
                base.append((t1 - t0) / BATCH)
            dq.clear()
        run.finish()
        n_calls = len(ours) * BATCH
        steps, _, _ = run._store.history(run.run_id, "loss")
        assert len(steps) == n_calls + 200, (len(steps), n_calls)

    med, med_b = median(ours), median(base)
    figure("log_call_median", med / 1000, "us", med_b / 1000, None, "<= 2 us", med <= 2000)
    figure("log_call_p99", pct(ours, 99) / 1000, "us", pct(base, 99) / 1000, None,
           "none (report only)", None)


if __name__ == "__main__":
    main()
