"""A run's price, decided when it starts and kept with it (``mlm/cost.json``), so a run is
priced later from stored data only, at the prices of its day.

The hourly price is the first that applies: ``hourly`` (``MLM_COST_HOURLY``); the machine
type's price (``MLM_MACHINE_TYPE``, ``[cost] machine`` or the cloud's metadata), from
``[cost.machines]`` else the default table; the ``[cost.gpus]`` prices of the GPUs the run
used (known from its system metrics, so summed when it is read). None applies: no price,
and the reason why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .default_prices import PRICES_SOURCE, Instance, default_instance
from .metadata import CloudMachine
from .settings import PriceSettings

UNCONFIGURED = (
    "no price for this machine: set [cost] hourly or machine in mlm.toml "
    "(or MLM_COST_HOURLY / MLM_MACHINE_TYPE); no cloud metadata told its type"
)


def describe_prices(
    settings: PriceSettings, cloud: CloudMachine | None, cpus: int | None
) -> dict[str, Any] | None:
    """What to record with a run as it starts; None when nothing is known (no setting and
    no cloud metadata): the run is then priced at nothing, with ``UNCONFIGURED`` as reason."""
    machine, machine_source = settings.machine, settings.machine_source
    if not machine and cloud is not None:
        machine, machine_source = cloud.machine_type, cloud.source
    if not machine and not settings.configured:
        return None
    out: dict[str, Any] = {"share": settings.share, "cpus": cpus}
    if machine:
        out["machine"], out["machine_source"] = machine, machine_source
    if settings.machines:
        out["machine_prices"] = dict(settings.machines)
    if settings.hourly is not None:
        out["hourly"], out["price_source"] = settings.hourly, settings.hourly_source
        return out
    if machine:
        price, source = machine_price(machine, settings.machines)
        if price is not None:
            out["hourly"], out["price_source"] = price, source
            return out
    if settings.gpus:
        out["gpu_prices"] = dict(settings.gpus)
    elif machine:
        out["reason"] = (
            f"machine type {machine!r} ({machine_source}) is not in the price table: add it "
            "to [cost.machines] in mlm.toml, or set [cost] hourly"
        )
    else:
        out["reason"] = UNCONFIGURED
    return out


def machine_price(name: str, configured: Mapping[str, float]) -> tuple[float | None, str]:
    """(USD an hour, where from) of instance type ``name``: ``[cost.machines]``, else the
    default table; (None, "") when neither has it."""
    for key, price in configured.items():
        if key == name or key.lower() == name.lower():
            return price, "mlm.toml [cost.machines]"
    found = default_instance(name)
    if found is not None:
        return found.hourly, PRICES_SOURCE
    return None, ""


def instance_price(instance: Instance, configured: Mapping[str, float]) -> float:
    """An instance type's price: the configured one where given, else the default table's."""
    price, _ = machine_price(instance.name, configured)
    return instance.hourly if price is None else price


def gpu_hourly(
    gpu_prices: Mapping[str, float], gpus: list[Mapping[str, Any]]
) -> tuple[float | None, str]:
    """(the sum of ``[cost.gpus]`` prices over ``gpus``, the run's GPUs as its system
    metrics described them; or None and why not). A price applies to a GPU whose NVML name
    contains its key (any case); the longest matching key wins."""
    if not gpus:
        return None, (
            "[cost.gpus] prices GPUs, and no GPU was sampled for this run (system metrics "
            "off, no NVML, or no GPU)"
        )
    total = 0.0
    for gpu in gpus:
        name = str(gpu.get("name", ""))
        keys = [k for k in gpu_prices if k.lower() in name.lower()]
        if not keys:
            return None, f"GPU {name!r} is not in [cost.gpus] ({', '.join(gpu_prices)})"
        total += gpu_prices[max(keys, key=len)]
    return total, f"mlm.toml [cost.gpus] × {len(gpus)} GPU(s)"
