"""How a run's GPUs spent their time: busy little while the CPU was saturated (the input
pipeline bounds training), and idle altogether. Each priced as the share of the run's cost
paid meanwhile."""

from __future__ import annotations

import numpy as np

from .advice import MIN_SAMPLES, Advice, money, span
from .record import RunRecord
from .run_cost import RunCost

#: GPU busy under this (median, %) with the CPU saturated: input-bound
GPU_LOW_UTIL = 30.0
#: CPU saturated: this process keeps a core this busy (%), or the machine is this busy
CPU_SATURATED = 90.0
#: a GPU under this (%) is idle
GPU_IDLE = 5.0
#: idle time is worth saying from this share of the run on
IDLE_SHARE_MIN = 0.1


def _gpu_utils(record: RunRecord) -> np.ndarray | None:
    """Samples × GPUs of utilisation (%), the GPUs' samples aligned on the shortest."""
    series = [record.values(f"sys/{g}/util_percent") for g in record.gpu_keys()]
    found = [s for s in series if s is not None]
    if not found or len(found) < len(series):
        return None
    n = min(len(s) for s in found)
    return None if n < MIN_SAMPLES else np.stack([s[-n:] for s in found], axis=1)


def _waste(cost: RunCost, share: float) -> tuple[float | None, float | None, str | None]:
    """(per hour, on this run, or why not) of paying for ``share`` of the run's time."""
    if cost.amount is None or cost.per_hour is None:
        return None, None, f"the run has no price: {cost.reason}"
    return cost.per_hour * share, cost.amount * share, None


def input_bound_advice(record: RunRecord, cost: RunCost) -> Advice | None:
    """Advice when the GPUs were mostly waiting (median under 30 %) while this process kept
    at least a core busy (median ≥ 90 % of a core) or the machine's CPU was saturated."""
    utils = _gpu_utils(record)
    process = record.values("sys/cpu_percent")
    host = record.values("sys/host_cpu_percent")
    if utils is None or process is None or len(process) < MIN_SAMPLES:
        return None
    util = float(np.median(utils.mean(axis=1)))
    proc = float(np.median(process))
    machine = float(np.median(host)) if host is not None else None
    saturated = proc >= CPU_SATURATED or (machine is not None and machine >= CPU_SATURATED)
    if util >= GPU_LOW_UTIL or not saturated:
        return None
    waiting = 1.0 - util / 100.0
    per_hour, total, why = _waste(cost, waiting)
    busy_machine = f", the machine's CPU {machine:.0f} % busy" if machine is not None else ""
    message = (
        f"GPU busy {util:.0f} % of the time (median) while this process kept "
        f"{proc / 100:.1f} cores busy (median {proc:.0f} % of a core{busy_machine}): the "
        "input pipeline likely bounds training; load data in more worker processes, "
        "prefetch, or cache decoded data"
    )
    if total is not None:
        message += f"; up to {money(total)} of the run's {money(cost.amount or 0)} paid for GPU time spent waiting"
    evidence = {"samples": len(utils), "gpu_util_median_percent": round(util, 2),
                "process_cpu_median_percent": round(proc, 2),
                "host_cpu_median_percent": None if machine is None else round(machine, 2),
                "gpu_waiting_share": round(waiting, 4)}  # fmt: skip
    return Advice("input_bound", message, evidence, per_hour, total, why)


def idle_gpu_advice(record: RunRecord, cost: RunCost) -> Advice | None:
    """Advice when the GPUs were idle (under 5 % busy) for at least a tenth of the samples
    (GPU-time: each GPU's idle share, averaged over the GPUs)."""
    utils = _gpu_utils(record)
    if utils is None:
        return None
    share = float((utils < GPU_IDLE).mean())
    if share < IDLE_SHARE_MIN:
        return None
    per_hour, total, why = _waste(cost, share)
    message = (
        f"GPU idle (under {GPU_IDLE:.0f} % busy) in {share * 100:.0f} % of the samples "
        f"(about {span(share * record.hours)} of {span(record.hours)})"
    )
    if total is not None:
        message += f": {money(total)} of the run's {money(cost.amount or 0)} paid for idle GPU time"
    message += "; end the run (or free the GPU) when it stops training"
    evidence = {"samples": len(utils), "gpus": utils.shape[1], "idle_share": round(share, 4),
                "idle_below_percent": GPU_IDLE, "idle_hours": round(share * record.hours, 4)}  # fmt: skip
    return Advice("idle_gpu", message, evidence, per_hour, total, why)
