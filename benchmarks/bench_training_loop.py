"""Bar 2: a training loop at 10k steps/s logging 3 metrics per step is at most 3 % slower than
the same loop without logging.

Each step does ~100 us of calibrated pure-Python work (so 10k steps/s), then, in the logging
variant, ``run.log(loss=..., acc=..., lr=...)``. The two variants are timed interleaved (ABBA
order) for REPS repetitions of STEPS steps each; the figure is median(logging) against
median(no logging). One run takes all logging repetitions, so the background writer's flushes
(every second) land inside the timed loops as they would in real training.
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
    steps = 3000 if args.quick else 10_000
    pairs = 2 if args.quick else 4  # each pair is ABBA: 2 plain + 2 logging loops
    import jupyter_mlm as mlm

    k = calibrate()
    with tempdir("loop") as tmp:
        mlm.set_store(tmp)
        run = mlm.start_run("bench", params={"lr": 0.001})
        log = run.log
        loop_plain(1000, k)  # warm up both paths
        loop_logging(1000, k, log)
        plain: list[float] = []
        logging: list[float] = []
        for _ in range(pairs):
            plain.append(loop_plain(steps, k))
            logging.append(loop_logging(steps, k, log))
            logging.append(loop_logging(steps, k, log))
            plain.append(loop_plain(steps, k))
        run.finish()
        n = len(run._store.history(run.run_id, "loss")[0])
        assert n == 1000 + steps * len(logging), n

    mp, ml = median(plain), median(logging)
    note(f"training loop: {steps} steps x {len(plain)} reps per variant, work k={k}, "
         f"{steps / (mp / 1e9):,.0f} steps/s without logging; plain reps (s): "
         + " ".join(f"{p / 1e9:.3f}" for p in plain)
         + "; logging reps (s): " + " ".join(f"{p / 1e9:.3f}" for p in logging))
    slow = (ml / mp - 1) * 100
    figure("training_loop_time", ml / 1e9, "s", mp / 1e9, None,
           f"<= 3 % slower (measured {slow:+.2f} %)", slow <= 3.0)
    figure("training_loop_step", ml / steps / 1000, "us/step", mp / steps / 1000, None,
           "none (report only)", None)


if __name__ == "__main__":
    main()
