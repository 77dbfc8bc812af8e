"""Bar 2: a training loop at 10k steps/s logging 3 metrics per step is at most 3 % slower than
the same loop without logging.

Each step does ~100 us of calibrated pure-Python work (so ~10k steps/s on this machine); a
logging step then calls ``run.log(loss=..., acc=..., lr=...)``. Plain and logging steps
alternate one by one (which of the two goes first swaps every pair), each timed with its own perf_counter_ns pair, so the speed drift of a
shared machine (+-20 % over tens of ms here) hits both alike; the figure is the total time of
the logging steps against the total of the plain steps. One run takes all logging steps and
the background writer flushes every second meanwhile (a flush that lands in a plain step is
charged to the baseline, so the writer's share is under-counted by about half; it is small
next to the log() calls). A control (plain against plain, same alternation) shows the
method's own bias in the note line.
"""

from __future__ import annotations

import time

from _common import figure, note, parse_args, tempdir

STEP_US = 100.0


def work(k: int) -> float:
    s = 0.0
    for i in range(k):
        s += i * 0.5
    return s


def calibrate() -> int:
    """The work size that makes one plain step take ~100 us, timed the way steps are."""
    k = 200
    for _ in range(5):
        per = sorted(_step(k, 0, None) for _ in range(501))[250] / 1000
        k = max(1, int(k * STEP_US / per))
    return k


def _step(k: int, step: int, log) -> int:
    """One timed training step (``log`` None: without logging); returns its duration in ns."""
    t0 = time.perf_counter_ns()
    s = work(k)
    loss, acc, lr = s * 1e-9, step * 1e-4, 0.001
    if log is not None:
        log(loss=loss, acc=acc, lr=lr)
    return time.perf_counter_ns() - t0


def alternate(pairs: int, k: int, log_a, log_b) -> tuple[int, int]:
    """(total ns of ``a`` steps, total ns of ``b`` steps), strictly alternating, and swapping
    which goes first every pair so neither side gains from its position."""
    a = b = 0
    for step in range(pairs):
        if step % 2:
            b += _step(k, step, log_b)
            a += _step(k, step, log_a)
        else:
            a += _step(k, step, log_a)
            b += _step(k, step, log_b)
    return a, b


def main() -> None:
    args = parse_args(__doc__)
    pairs = 8_000 if args.quick else 40_000
    import jupyter_mlm as mlm

    k = calibrate()
    with tempdir("loop") as tmp:
        mlm.set_store(tmp)
        run = mlm.start_run("bench", params={"lr": 0.001})
        alternate(1000, k, None, run.log)  # warm up
        tp, tl = alternate(pairs, k, None, run.log)
        ca, cb = alternate(pairs // 4, k, None, None)
        run.finish()
        n = len(run._store.history(run.run_id, "loss")[0])
        assert n == 1000 + pairs, n

    slow = (tl / tp - 1) * 100
    note(f"training loop: {pairs:,} plain and {pairs:,} logging steps alternating, work k={k}, "
         f"{pairs / (tp / 1e9):,.0f} steps/s without logging, log() adds "
         f"{(tl - tp) / pairs / 1000:.2f} us/step; control (plain vs plain, {pairs // 4:,} pairs):"
         f" {(cb / ca - 1) * 100:+.2f} %")
    figure("training_loop_step", tl / pairs / 1000, "us/step", tp / pairs / 1000, None,
           f"<= 3 % slower (measured {slow:+.2f} %)", slow <= 3.0)


if __name__ == "__main__":
    main()
