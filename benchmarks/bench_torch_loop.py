"""A real PyTorch training loop on CPU is at most 2 % slower with ``run.log`` in it.

A 2-layer MLP (64 -> 128 -> 10, ReLU, SGD, cross-entropy) trains on random batches of 32
(64 fixed batches, cycled), STEPS steps per loop. The loop is timed whole, without logging
and with ``run.log(loss=loss.detach(), lr=lr, step=step)`` after each step (a 0-d tensor and
a float), in pairs of loops alternating in this one process (which goes first swaps every
pair); the figures are medians over the pairs. Each logging loop is a new run, and its time
includes the final ``run.finish()`` (the last flush to the store) with the writer thread
running throughout; the writer thread is then stopped (untimed), so no plain loop has one.
Every loop trains the same model (the same work on the same memory). Not timed: 300 warm-up
steps, ``start_run`` and its context capture; one untimed pair first loads everything. A
control, two pairs of plain loops against plain loops, shows in the note line how far the
machine moves a figure on its own.

Figures: wall time of the loop; CPU time of the whole process (every thread: the writer's
work counts in full even when it ran on the other core); and, from one more loop (a run of
its own) that times single calls between training steps, where caches are as cold as in
real training, ``log(loss=t, step=i)`` with the detached loss against ``log(loss=x, step=i)``
with a float (bar: <= 1.5x). torch runs one intra-op thread: on a shared 2-core machine more
threads made the steps several times slower and much noisier, and a spare core is where the
writer runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from _common import figure, median, note, paired_loops, parse_args, report_loops, tempdir

STEPS = 20_000
WARMUP = 300
LR = 0.01


def trainer(torch: Any) -> Callable[[int], Any]:
    """The model, warmed up; returns its training step."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    xs, ys = torch.randn(64, 32, 64), torch.randint(0, 10, (64, 32))

    def train(step: int) -> Any:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xs[step % 64]), ys[step % 64])
        loss.backward()
        opt.step()
        return loss

    for step in range(WARMUP):
        train(step)
    return train


def plain_loop(train: Callable[[int], Any], steps: int) -> tuple[int, int]:
    """(wall ns, process CPU ns) of ``steps`` training steps."""
    t0, c0 = time.perf_counter_ns(), time.process_time_ns()
    for step in range(steps):
        train(step)
    return time.perf_counter_ns() - t0, time.process_time_ns() - c0


def logging_loop(train: Callable[[int], Any], steps: int) -> tuple[int, int]:
    """As ``plain_loop``, logging two metrics per step to a new run, ``finish()`` included."""
    import jupyter_mlm as mlm
    from jupyter_mlm.tracking.capture_hook import wait_for_captures

    run = mlm.start_run("torch-loop", params={"lr": LR, "batch": 32})
    wait_for_captures()
    log = run.log
    t0, c0 = time.perf_counter_ns(), time.process_time_ns()
    for step in range(steps):
        loss = train(step)
        log(loss=loss.detach(), lr=LR, step=step)
    run.finish()
    wall, cpu = time.perf_counter_ns() - t0, time.process_time_ns() - c0
    run._writer.close()  # no writer thread in the next plain loop (a new run restarts it)
    assert run.history("loss")[0].tolist() == list(range(steps)), "points lost or misplaced"
    assert len(run.history("lr")[0]) == steps
    return wall, cpu


def calls_in_loop(train: Callable[[int], Any], steps: int) -> dict[str, list[int]]:
    """ns of single calls inside the training loop (caches as cold as a real loop leaves
    them), one kind per step in turn, each key with consecutive steps: ``log`` of the
    detached loss tensor, ``log`` of a float, ``loss.item()`` alone, and an empty timer pair
    (subtracted from the others)."""
    import jupyter_mlm as mlm
    from jupyter_mlm.tracking.capture_hook import wait_for_captures

    run = mlm.start_run("torch-calls")
    wait_for_captures()
    log, ns = run.log, time.perf_counter_ns
    kinds = ("empty", "tensor", "float", "item")
    out: dict[str, list[int]] = {kind: [] for kind in kinds}
    x = 0.25
    for step in range(steps):
        detached = train(step).detach()
        kind, i = kinds[step % 4], step // 4
        t0 = ns()
        if kind == "tensor":
            log(loss_t=detached, step=i)
        elif kind == "float":
            log(loss_f=x, step=i)
        elif kind == "item":
            detached.item()
        t1 = ns()
        out[kind].append(t1 - t0)
    run.finish()
    run._writer.close()
    return out


def main() -> None:
    args = parse_args(__doc__)
    try:
        import torch
    except ImportError:
        note("torch is not installed: no figures (pip install -e '.[bench]')")
        return
    import jupyter_mlm as mlm

    torch.set_num_threads(1)
    steps, pairs = (4_000, 3) if args.quick else (STEPS, 6)
    train = trainer(torch)  # one model for every loop: the same memory, the same work
    with tempdir("torchloop") as tmp:
        mlm.set_store(tmp)
        plain_loop(train, 1_000)  # untimed: imports, the store, first-call costs
        logging_loop(train, 1_000)
        times = paired_loops(
            {"plain": lambda: plain_loop(train, steps), "logging": lambda: logging_loop(train, steps)},
            pairs,
            warm=0,
        )
        control = [plain_loop(train, steps) for _ in range(4)]  # plain vs plain, ABBA
        calls = calls_in_loop(train, steps // 2)
    report_loops("torch_loop_step", f"torch {torch.__version__}, 1 intra-op thread", times, control, steps, pairs)
    timer = median(calls["empty"])
    call = {kind: (median(v) - timer) / 1000 for kind, v in calls.items()}
    note(f"single calls inside the loop ({steps // 8:,} of each, timer pair of {timer:.0f} ns "
         f"subtracted): loss.item() alone {call['item']:.2f} us")
    figure("torch_loop_log_tensor_call", call["tensor"], "us", call["float"], None,
           "<= 1.5x log(loss=x, step=i) in the same loop", call["tensor"] <= 1.5 * call["float"])


if __name__ == "__main__":
    main()
