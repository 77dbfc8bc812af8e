"""Bar 1: the caller's cost of ``run.log(loss=x)``, and of the other kinds of call.

Calls are timed in batches of BATCH (one perf_counter_ns pair per batch, divided by BATCH) so
the timer does not dominate; the median over batches is the figure and the p99 over batches
is reported too. The background writer runs meanwhile (its flushes land in some batches: that
is what the p99 shows). Every kind of call logs its own key of one run, and the kinds are
interleaved batch by batch with the baseline, so drifting machine load hits them alike:

* automatic step ``log(loss=x)``, explicit step ``log(loss=x, step=i)`` (consecutive steps),
  and ``log(loss=x, step=i)`` every 10th step (each point a step break; report only), against
  the baseline: appending a ("loss", x) tuple to a collections.deque, timed the same way;
* ``log(loss=np.float64(x))`` and ``log(loss=np.float32(x))`` against ``log(loss=x)``;
* when torch is installed, ``log(loss=t, step=i)`` with a 0-d float32 tensor (what
  ``loss.detach()`` is) against ``log(loss=x, step=i)``: the ratio tensor / float; and
  (report only) against ``log(loss=t.item(), step=i)``, converting first: what the call adds
  to the conversion itself.
"""

from __future__ import annotations

import collections
import time

import numpy as np
from _common import figure, median, note, parse_args, pct, tempdir

BATCH = 1000


def main() -> None:
    args = parse_args(__doc__)
    rounds = 20 if args.quick else 100  # rounds x 10 batches x BATCH calls per kind
    import jupyter_mlm as mlm

    try:
        import torch
    except ImportError:
        torch = None
    with tempdir("logcall") as tmp:
        mlm.set_store(tmp)
        run = mlm.start_run("bench", params={"lr": 0.1})
        log = run.log
        dq: collections.deque = collections.deque()
        append = dq.append
        ns = time.perf_counter_ns
        x = 0.25
        f64, f32 = np.float64(x), np.float32(x)
        tensor = torch.tensor(x) if torch is not None else None
        step = [0, 0, 0, 0]  # next explicit step of: float, tensor, every 10th, .item()

        def base() -> int:
            t0 = ns()
            for _ in range(BATCH):
                append(("loss", x))
            t1 = ns()
            dq.clear()
            return t1 - t0

        def auto() -> int:
            t0 = ns()
            for _ in range(BATCH):
                log(loss=x)
            return ns() - t0

        def explicit() -> int:
            first = step[0]
            step[0] += BATCH
            t0 = ns()
            for i in range(first, first + BATCH):
                log(loss_s=x, step=i)
            return ns() - t0

        def every_10th() -> int:
            first = step[2]
            step[2] += 10 * BATCH
            t0 = ns()
            for i in range(first, first + 10 * BATCH, 10):
                log(loss_10=x, step=i)
            return ns() - t0

        def numpy64() -> int:
            t0 = ns()
            for _ in range(BATCH):
                log(loss_f64=f64)
            return ns() - t0

        def numpy32() -> int:
            t0 = ns()
            for _ in range(BATCH):
                log(loss_f32=f32)
            return ns() - t0

        def torch0d() -> int:
            first = step[1]
            step[1] += BATCH
            t0 = ns()
            for i in range(first, first + BATCH):
                log(loss_t=tensor, step=i)
            return ns() - t0

        def item_first() -> int:  # what a caller would do to log a float instead
            first = step[3]
            step[3] += BATCH
            t0 = ns()
            for i in range(first, first + BATCH):
                log(loss_i=tensor.item(), step=i)
            return ns() - t0

        kinds = {"base": base, "auto": auto, "explicit": explicit, "every_10th": every_10th,
                 "float64": numpy64, "float32": numpy32}
        if tensor is not None:
            kinds["tensor"] = torch0d
            kinds["item_first"] = item_first
        for fn in kinds.values():  # warm up: first key creation, the writer thread
            fn()
        times: dict[str, list[float]] = {name: [] for name in kinds}
        for _ in range(rounds):
            for name, fn in kinds.items():
                samples = times[name]
                for _ in range(10):
                    samples.append(fn() / BATCH)
        run.finish()
        calls = (rounds * 10 + 1) * BATCH
        for key in ("loss", "loss_s", "loss_10", "loss_f64", "loss_f32") + (
                ("loss_t", "loss_i") if tensor is not None else ()):
            steps, values, _ = run._store.history(run.run_id, key)
            assert len(steps) == calls and values[-1] == x, (key, len(steps), calls)
        steps, _, _ = run._store.history(run.run_id, "loss_10")
        assert steps[-1] == 10 * (calls - 1) and (np.diff(steps) == 10).all()

    med = {name: median(samples) / 1000 for name, samples in times.items()}
    b = med["base"]
    figure("log_call_median", med["auto"], "us", b, None, "<= 2 us", med["auto"] <= 2)
    figure("log_call_p99", pct(times["auto"], 99) / 1000, "us", pct(times["base"], 99) / 1000,
           None, "none (report only)", None)
    figure("log_call_step_median", med["explicit"], "us", b, None, "<= 1 us",
           med["explicit"] <= 1)
    figure("log_call_step_p99", pct(times["explicit"], 99) / 1000, "us",
           pct(times["base"], 99) / 1000, None, "none (report only)", None)
    figure("log_call_every_10th_step_median", med["every_10th"], "us", b, None,
           "none (report only)", None)
    ratio = med["float64"] / med["auto"]
    figure("log_call_np_float64_median", med["float64"], "us", med["auto"], None,
           "≈ a float: <= 1.2x log(loss=x)", ratio <= 1.2)
    figure("log_call_np_float32_median", med["float32"], "us", med["auto"], None,
           "none (report only)", None)
    if tensor is None:
        note("torch is not installed: no tensor figure (pip install -e '.[bench]')")
        return
    ratio = med["tensor"] / med["explicit"]
    figure("log_call_torch_0d_step_median", med["tensor"], "us", med["explicit"], None,
           "<= 1.5x log(loss=x, step=i)", ratio <= 1.5)
    figure("log_call_torch_0d_vs_item_first_median", med["tensor"], "us", med["item_first"],
           None, "none (report only): against log(loss=t.item(), step=i)", None)


if __name__ == "__main__":
    main()
