"""Bar: a training loop of ~100 us steps logging 3 metrics a step is at most 2 % slower, in
wall time and in CPU time of the whole process, than the same loop without logging.

Each step does ~100 us of calibrated pure-Python work (~10k steps/s); a logging step then
calls ``run.log(loss=..., acc=..., lr=...)``. The loop of STEPS steps is timed whole, with and
without logging, in pairs of loops alternating in this one process (which goes first swaps
every pair); the figures are medians over the pairs. The logging loop's time includes
everything the user pays: ``start_run`` (and its context-capture thread, which runs during
the loop), every ``log`` call, the writer thread's flushes (every second, competing for the
GIL), and the final ``run.finish()`` that writes the last points. The writer thread is then
stopped (untimed), so no plain loop has one. CPU time is the whole process's (every thread:
the writer's work counts in full even when it ran on the other core). One untimed pair first
loads everything; a control, two pairs of plain loops against plain loops, shows in the note
line how far the machine moves a figure on its own.
"""

from __future__ import annotations

import time

from _common import paired_loops, parse_args, report_loops, tempdir

STEP_US = 100.0
STEPS = 20_000


def work(k: int) -> float:
    s = 0.0
    for i in range(k):
        s += i * 0.5
    return s


def calibrate() -> int:
    """The work size that makes one plain step take ~100 us."""
    k = 200
    for _ in range(5):
        t0 = time.perf_counter_ns()
        for _ in range(500):
            work(k)
        per = (time.perf_counter_ns() - t0) / 500 / 1000
        k = max(1, int(k * STEP_US / per))
    return k


def plain_loop(k: int, steps: int) -> tuple[int, int]:
    t0, c0 = time.perf_counter_ns(), time.process_time_ns()
    for step in range(steps):
        s = work(k)
        loss, acc, lr = s * 1e-9, step * 1e-4, 0.001  # noqa: F841  (as the logging loop)
    return time.perf_counter_ns() - t0, time.process_time_ns() - c0


def logging_loop(k: int, steps: int) -> tuple[int, int]:
    import jupyter_mlm as mlm

    t0, c0 = time.perf_counter_ns(), time.process_time_ns()
    run = mlm.start_run("loop", params={"lr": 0.001, "k": k})
    log = run.log
    for step in range(steps):
        s = work(k)
        loss, acc, lr = s * 1e-9, step * 1e-4, 0.001
        log(loss=loss, acc=acc, lr=lr)
    run.finish()
    wall, cpu = time.perf_counter_ns() - t0, time.process_time_ns() - c0
    run._writer.close()  # no writer thread in the next plain loop (a new run restarts it)
    assert len(run.history("loss")[0]) == steps, "points lost"
    return wall, cpu


def main() -> None:
    args = parse_args(__doc__)
    steps, pairs = (5_000, 3) if args.quick else (STEPS, 10)
    import jupyter_mlm as mlm

    k = calibrate()
    with tempdir("loop") as tmp:
        mlm.set_store(tmp)
        times = paired_loops(
            {"plain": lambda: plain_loop(k, steps), "logging": lambda: logging_loop(k, steps)},
            pairs,
        )
        control = [plain_loop(k, steps) for _ in range(4)]  # plain vs plain, ABBA
    report_loops("training_loop_step", f"training loop: work k={k}", times, control, steps, pairs)


if __name__ == "__main__":
    main()
