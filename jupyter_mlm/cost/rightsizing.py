"""Rightsizing from a run's samples: fewer cores (OptScale's rule: the 99th percentile of CPU
use against an 80 % limit, ``ceil(cores × q99 / 80)``), and a smaller GPU when its memory
peaked far below its size. Savings need the table to know a smaller instance like the
run's (same provider, family or GPU count) and its price."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .advice import MIN_SAMPLES, Advice, money, plural
from .default_prices import DEFAULT_PRICES, Instance, default_instance
from .pricing import instance_price
from .record import RunRecord
from .run_cost import RunCost

#: the CPU use a machine is sized for (OptScale's limit)
CPU_LIMIT = 80.0
#: a GPU whose memory peaked under this share of its size is larger than the run needs
GPU_MEMORY_FAR_BELOW = 0.5
#: ...and a GPU with this share of its memory filled by that peak would do
GPU_MEMORY_TARGET = 0.8
HOST_CPU = "sys/host_cpu_percent"
PROCESS_CPU = "sys/cpu_percent"


def cores_advice(record: RunRecord, cost: RunCost) -> tuple[Advice | None, int | None]:
    """(advice when fewer cores would do, the cores needed; None when the samples say
    nothing). The machine's CPU (every process on it) on a machine of the run's own; this
    process's with ``share = "cpu"`` or without machine figures."""
    cores = record.cpus
    whole = cost.share != "cpu" and record.values(HOST_CPU) is not None
    series = HOST_CPU if whole else PROCESS_CPU
    values = record.values(series)
    if not cores or values is None or len(values) < MIN_SAMPLES:
        return None, None
    q99 = float(np.quantile(values, 0.99))
    of_all = q99 if whole else q99 / cores  # % of all cores
    needed = max(1, math.ceil(cores * of_all / CPU_LIMIT))
    if needed >= cores:
        return None, needed
    who = "CPU" if whole else "This process's CPU"
    message = (
        f"{who} peaked at {of_all:.0f} % (q99) of {cores} cores ({cores * of_all / 100:.1f} "
        f"cores busy): {plural(needed, 'core')} would do (ceil({cores} × {of_all:.0f} / "
        f"{CPU_LIMIT:.0f}), OptScale's rule)"
    )
    evidence = {"series": series, "samples": len(values), "cores": cores,
                "cpu_q99_percent": round(of_all, 2), "suggested_cores": needed}  # fmt: skip

    def fits(i: Instance, now: Instance) -> bool:
        return i.family == now.family and i.gpus == now.gpus and needed <= i.vcpus < now.vcpus

    def none_fit(now: Instance) -> str:
        cpus = plural(needed, "vCPU")
        return f"no {now.family} instance smaller than {now.name} with at least {cpus}"

    return _priced("cores", message, evidence, record, cost, fits, none_fit), needed


def smaller_gpu_advice(record: RunRecord, cost: RunCost, needed_cores: int | None) -> Advice | None:
    """Advice when every GPU's memory peaked under half its size."""
    worst: tuple[float, str, float, float, int] | None = None  # (share, gpu, peak, size, n)
    for gpu in record.gpu_keys():
        used = record.values(f"sys/{gpu}/mem_used_mb")
        total = record.values(f"sys/{gpu}/mem_total_mb")
        if used is None or total is None or len(used) < MIN_SAMPLES or not total.max() > 0:
            return None
        peak, size = float(used.max()), float(total.max())
        if worst is None or peak / size > worst[0]:
            worst = (peak / size, gpu, peak, size, len(used))
    if worst is None or worst[0] >= GPU_MEMORY_FAR_BELOW:
        return None
    share, gpu, peak, size, samples = worst
    need_gib = math.ceil(peak / 1024 / GPU_MEMORY_TARGET)
    many = len(record.gpu_keys()) > 1
    message = (
        f"GPU memory peaked at {peak / 1024:.1f} GiB of {size / 1024:.0f} GiB "
        f"({share * 100:.0f} %) on {_label(record, gpu)}"
        f"{', the fullest of its GPUs' if many else ''}: "
        f"a GPU with {need_gib} GiB would do"
    )
    evidence = {"gpu": gpu, "gpu_name": record.gpu_name(gpu), "samples": samples,
                "memory_peak_mib": round(peak, 1), "memory_total_mib": round(size, 1),
                "peak_share": round(share, 4), "suggested_memory_gib": need_gib}  # fmt: skip

    def fits(i: Instance, now: Instance) -> bool:
        return (i.provider == now.provider and i.gpus == now.gpus and i.gpus > 0
                and i.gpu_memory_gib is not None and now.gpu_memory_gib is not None
                and need_gib <= i.gpu_memory_gib < now.gpu_memory_gib
                and i.vcpus >= (needed_cores or now.vcpus))  # fmt: skip

    def none_fit(now: Instance) -> str:
        return (
            f"no {now.provider} instance with {plural(now.gpus, 'GPU')} of {need_gib} to "
            f"{now.gpu_memory_gib:g} GiB (less than {now.name}'s) and at least "
            + plural(needed_cores or now.vcpus, "vCPU")
        )

    return _priced("smaller_gpu", message, evidence, record, cost, fits, none_fit)


def _priced(
    kind: str,
    message: str,
    evidence: dict[str, object],
    record: RunRecord,
    cost: RunCost,
    fits: Callable[[Instance, Instance], bool],
    none_fit: Callable[[Instance], str],
) -> Advice:
    """The advice with the saving of the cheapest instance that ``fits`` (against the run's
    own), or without one and the reason."""

    def without(reason: str) -> Advice:
        return Advice(kind, message, evidence, saving_reason=reason)

    if cost.hourly is None:
        return without(f"the run has no price: {cost.reason}")
    if cost.share == "cpu":
        return without("the machine is shared (share = 'cpu'): its size is not the run's to pick")
    now = default_instance(record.machine) if record.machine else None
    if now is None:
        if record.machine:
            return without(f"the price table does not know the size of {record.machine!r}")
        return without("no machine type was recorded, so no smaller one can be priced")
    configured = record.prices.get("machine_prices") or {}
    options = sorted(
        ((instance_price(i, configured), i) for i in DEFAULT_PRICES.values() if fits(i, now)),
        key=lambda pair: pair[0],
    )
    if not options:
        return without(f"the price table has {none_fit(now)}")
    price, best = options[0]
    per_hour = cost.hourly - price
    if per_hour <= 0:
        return without(
            f"{best.name} costs {money(price)}/h in the price table, not less than this "
            f"run's {money(cost.hourly)}/h"
        )
    total = per_hour * cost.hours
    evidence.update(alternative=best.name, alternative_hourly=price)
    message += (
        f"; {best.name} ({money(price)}/h) instead of {now.name} ({money(cost.hourly)}/h) "
        f"saves {money(per_hour)}/h, {money(total)} on this run"
    )
    return Advice(kind, message, evidence, per_hour, total)


def _label(record: RunRecord, gpu: str) -> str:
    name = record.gpu_name(gpu)
    return gpu if name == gpu else f"{gpu} ({name})"
