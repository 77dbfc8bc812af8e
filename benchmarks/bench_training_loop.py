"""Bar 2: a training loop at 10k steps/s logging 3 metrics per step is at most 3 % slower than
the same loop without logging.

Each step does ~100 us of calibrated pure-Python work (so 10k steps/s), then, in the logging
variant, ``run.log(loss=..., acc=..., lr=...)``. The two variants are timed interleaved in ABBA
quads of 2500-step blocks; each quad gives a paired ratio (logging / plain time) and the
figure is the median of those ratios (robust to the load of other processes, which drifts
slowly). One run takes all logging blocks, so the background writer's flushes (every second)
land inside the timed loops as they would in real training.
"""

from __future__ import annotations

import time

from _common import figure, median, note, parse_args, tempdir

STEP_US = 100.0


def work(k: int) -> float:
    s = 0.0
    for i in range(k):
        s += i * 0.5
    return s


def calibrate() -> int:
    k = 200
    for _ in range(4):
        reps = 500
        t0 = time.perf_counter_ns()
        for _ in range(reps):
            work(k)
        per = (time.perf_counter_ns() - t0) / reps / 1000
        k = max(1, int(k * STEP_US / per))
    return k


def loop_plain(steps: int, k: int) -> int:
    t0 = time.perf_counter_ns()
    for step in range(steps):
        s = work(k)
        loss, acc, lr = s * 1e-9, step * 1e-4, 0.001  # noqa: F841 - same work as the logging loop
    return time.perf_counter_ns() - t0


def loop_logging(steps: int, k: int, log) -> int:
    t0 = time.perf_counter_ns()
    for step in range(steps):
        s = work(k)
        loss, acc, lr = s * 1e-9, step * 1e-4, 0.001
        log(loss=loss, acc=acc, lr=lr)
    return time.perf_counter_ns() - t0


def main() -> None:
    args = parse_args(__doc__)
    block = 2500  # steps per timed block (~0.25 s)
    quads = 4 if args.quick else 14  # ABBA quads: 2 plain + 2 logging blocks each
    import jupyter_mlm as mlm

    k = calibrate()
    with tempdir("loop") as tmp:
        mlm.set_store(tmp)
        run = mlm.start_run("bench", params={"lr": 0.001})
        log = run.log
        loop_plain(1000, k)  # warm up both paths
        loop_logging(1000, k, log)
        plain: list[float] = []  # ns per step, one entry per quad
        logging: list[float] = []
        ratios: list[float] = []
        for _ in range(quads):
            a = loop_plain(block, k)
            b = loop_logging(block, k, log)
            b += loop_logging(block, k, log)
            a += loop_plain(block, k)
            plain.append(a / (2 * block))
            logging.append(b / (2 * block))
            ratios.append(b / a)
        run.finish()
        n = len(run._store.history(run.run_id, "loss")[0])
        assert n == 1000 + 2 * block * quads, n

    mp, ratio = median(plain), median(ratios)
    note(f"training loop: {quads} ABBA quads of {block}-step blocks, work k={k}, "
         f"{1e9 / mp:,.0f} steps/s without logging; per-quad slowdown %: "
         + " ".join(f"{(r - 1) * 100:+.1f}" for r in ratios)
         + f"; totals: plain {sum(plain) * 2 * block / 1e9:.2f} s, "
         f"logging {sum(logging) * 2 * block / 1e9:.2f} s "
         f"({(sum(logging) / sum(plain) - 1) * 100:+.2f} %)")
    slow = (ratio - 1) * 100
    # value = baseline x (median of the paired ratios), so the printed ratio is that median
    figure("training_loop_step", mp * ratio / 1000, "us/step", mp / 1000, None,
           f"<= 3 % slower (median paired slowdown {slow:+.2f} %)", slow <= 3.0)


if __name__ == "__main__":
    main()
