"""System metrics bars: the sampler's own cost, and ``run.log`` with the sampler on.

1. ``system_sampler_cpu_share``: CPU seconds of the sampling thread over WINDOW seconds
   (60; 15 with --quick) of one run sampled at 1 Hz (the default), as a percent of one core,
   at most 0.5 %. Read with ``time.thread_time()`` on the thread itself after each sample,
   counted from its first sample (which loads psutil and NVML, reported apart). The training
   thread meanwhile logs a point every 10 ms, as a slow loop would. Baseline, in the same
   window: a thread that wakes every second and does nothing (what any 1 Hz thread costs).
2. ``log_call_with_sampler``: the caller's cost of ``run.log(loss=x)`` on a run being sampled
   (every 0.1 s, ten times the default, so samples land in the timed phases) against the same
   call on a run that is not, with no sampling in the process; at most 1.1x (the call's code
   path is the same: this shows the sampler thread does not slow the training thread down).
   Timed in batches of BATCH calls, median over batches; the sides take turns in short
   phases (0.3 s), each on a fresh run, their order rotating every round so each side holds
   each place as often; a third side (not sampled either) is the control that shows the
   method's own noise on a shared machine.
"""

from __future__ import annotations

import os
import threading
import time

from _common import figure, median, note, parse_args, pct, tempdir

BATCH = 1000


# --- 1: the sampler thread's CPU -----------------------------------------------------------


class IdleTicker:
    """The baseline: a thread waking every ``interval`` seconds to do nothing."""

    def __init__(self, interval: float) -> None:
        self.cpu = 0.0
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.cpu = time.thread_time()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def bench_sampler_cpu(window: float) -> None:
    import jupyter_mlm as mlm
    from jupyter_mlm.system.sampler import shared_sampler

    os.environ.pop("MLM_SYSTEM_METRICS_INTERVAL", None)  # the default: 1 s
    with tempdir("sys-cpu") as tmp:
        mlm.set_store(tmp)
        run = mlm.start_run("bench", system_metrics=True)
        sampler = shared_sampler()
        target = run._system
        assert target is not None
        while target.step == target.first_step:  # the first sample loads psutil and NVML
            time.sleep(0.01)
        time.sleep(0.05)
        first = sampler.thread_cpu_seconds
        ticker = IdleTicker(1.0)
        t0, cpu0, base0 = time.monotonic(), sampler.thread_cpu_seconds, ticker.cpu
        i = 0
        while time.monotonic() - t0 < window:
            run.log(loss=1.0 / (i + 1))
            i += 1
            time.sleep(0.01)
        wall = time.monotonic() - t0
        cpu, base = sampler.thread_cpu_seconds - cpu0, ticker.cpu - base0
        ticker.stop()
        run.finish()
        samples = len(run.history("sys/rss_mb")[0])
        keys = sorted(k for k in run.info.metrics if k.startswith("sys/"))
        gpus = len({k.split("/")[1] for k in keys if k.startswith("sys/gpu")})
    share, base_share = 100 * cpu / wall, 100 * base / wall
    note(
        f"sampler: {samples} samples of {len(keys)} series ({gpus} GPUs) in {wall:.0f} s; "
        f"{1e3 * cpu / max(1, samples - 1):.2f} ms of CPU a sample; first sample (loads "
        f"psutil and NVML) {1e3 * first:.0f} ms"
    )
    figure(
        "system_sampler_cpu_share",
        share,
        "% of one core",
        base_share,
        None,
        "<= 0.5 % of one core at 1 Hz",
        share <= 0.5,
    )


# --- 2: run.log with the sampler on --------------------------------------------------------


def _log_phase(run, seconds: float, out: list[float]) -> None:
    """Log ``loss`` flat out in batches for ``seconds``; per-call ns appended to ``out``."""
    log = run.log
    ns = time.perf_counter_ns
    x = 0.25
    end = ns() + int(seconds * 1e9)
    while True:
        t0 = ns()
        for _ in range(BATCH):
            log(loss=x)
        t1 = ns()
        out.append((t1 - t0) / BATCH)
        if t1 >= end:
            return


def bench_log_call(rounds: int, phase: float) -> None:
    import jupyter_mlm as mlm
    from jupyter_mlm.system.sampler import shared_sampler

    os.environ["MLM_SYSTEM_METRICS_INTERVAL"] = "0.1"
    sides: dict[str, list[float]] = {"on": [], "off": [], "control": []}
    orders = (("on", "off", "control"), ("off", "control", "on"), ("control", "on", "off"))
    samples = 0
    with tempdir("sys-log") as tmp:
        mlm.set_store(tmp)
        warm = mlm.start_run("bench", system_metrics=True)
        _log_phase(warm, 0.3, [])
        warm.finish()
        for r in range(rounds):
            for side in orders[r % 3]:
                run = mlm.start_run("bench", system_metrics=side == "on")
                _log_phase(run, phase, sides[side])
                run.finish()
                assert shared_sampler().sampling == 0
                if side == "on":
                    samples += len(run.history("sys/rss_mb")[0])
    on, off, control = (median(sides[s]) for s in ("on", "off", "control"))
    note(
        f"log(loss=x): {rounds} rounds of {phase} s per side, {len(sides['on'])} batches "
        f"sampled ({samples} samples in them), p99 {pct(sides['on'], 99):.0f} ns sampled, "
        f"{pct(sides['off'], 99):.0f} ns not; control (not sampled / not sampled): "
        f"{control / off:.3f}x"
    )
    figure(
        "log_call_with_sampler",
        on,
        "ns/call",
        off,
        None,
        "<= 1.1x the call without sampling",
        on <= 1.1 * off,
    )


def main() -> None:
    args = parse_args(__doc__)
    bench_sampler_cpu(15.0 if args.quick else 60.0)
    bench_log_call(*((9, 0.3) if args.quick else (30, 0.3)))


if __name__ == "__main__":
    main()
