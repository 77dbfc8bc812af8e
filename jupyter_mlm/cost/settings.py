"""The price table: ``[cost]`` in ``mlm.toml`` (or ``[mlm.cost]``), overridden by
``MLM_COST_HOURLY``, ``MLM_MACHINE_TYPE`` and ``MLM_COST_SHARE`` from the environment::

    [cost]
    hourly = 3.06              # USD an hour for this machine, whatever its type
    machine = "p3.2xlarge"     # or its type, priced by [cost.machines], else the default table
    share = "wall"             # "cpu" on a shared machine: a run pays for the CPU it used

    [cost.machines]
    "p3.2xlarge" = 2.10        # your price of a type (discounts, other regions)

    [cost.gpus]
    "A100" = 2.9               # USD per GPU-hour, matched in the NVML name of the run's GPUs

A key it does not know, a price that is not a number of at least 0 or a ``share`` other
than ``wall`` or ``cpu`` is a ``ConfigError`` naming the entry.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import ConfigError
from ..store.location import read_toml_table, toml_path

ENV_HOURLY = "MLM_COST_HOURLY"
ENV_MACHINE = "MLM_MACHINE_TYPE"
ENV_SHARE = "MLM_COST_SHARE"
SHARES = ("wall", "cpu")
KEYS = ("hourly", "machine", "share", "machines", "gpus")


@dataclass(frozen=True)
class PriceSettings:
    """What the configuration says about prices, each with where it says it."""

    hourly: float | None = None
    hourly_source: str | None = None
    machine: str | None = None
    machine_source: str | None = None
    machines: Mapping[str, float] = field(default_factory=dict)  # type -> USD an hour
    gpus: Mapping[str, float] = field(default_factory=dict)  # GPU name part -> USD a GPU-hour
    share: str = "wall"

    @property
    def configured(self) -> bool:
        """Whether anything was set (else only cloud metadata can tell a price)."""
        return bool(
            self.hourly is not None or self.machine or self.machines or self.gpus
            or self.share != "wall"
        )  # fmt: skip


def load_price_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] = os.environ
) -> PriceSettings:
    """The settings for a notebook or file at ``path`` (default: the current directory):
    ``[cost]`` of the ``mlm.toml`` that applies there, then the environment over it."""
    toml = toml_path(path)
    table = read_toml_table(toml, "cost")
    settings = parse_cost_table(table, str(toml)) if table is not None else {}
    where = f"{toml.name} [cost]"
    hourly, hourly_source = settings.get("hourly"), where + " hourly"
    machine, machine_source = settings.get("machine"), where + " machine"
    share = settings.get("share", "wall")
    raw = environ.get(ENV_HOURLY, "").strip()
    if raw:
        hourly, hourly_source = _price(_number(raw), f"{ENV_HOURLY}={raw!r}"), ENV_HOURLY
    raw = environ.get(ENV_MACHINE, "").strip()
    if raw:
        machine, machine_source = raw, ENV_MACHINE
    raw = environ.get(ENV_SHARE, "").strip()
    if raw:
        share = _share(raw, f"{ENV_SHARE}={raw!r}")
    return PriceSettings(
        hourly=hourly,
        hourly_source=hourly_source if hourly is not None else None,
        machine=machine,
        machine_source=machine_source if machine else None,
        machines=settings.get("machines", {}),
        gpus=settings.get("gpus", {}),
        share=share,
    )


def parse_cost_table(table: Mapping[str, Any], file: str | Path = "mlm.toml") -> dict[str, Any]:
    """``[cost]`` checked: the known keys with values of the right kind, else ``ConfigError``
    naming the file and the entry."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{file} [cost] {key} = {value!r}"
        if key == "hourly":
            out[key] = _price(value, where)
        elif key == "machine":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: the machine type must be a non-empty string")
            out[key] = value.strip()
        elif key == "share":
            out[key] = _share(value, where)
        elif key in ("machines", "gpus"):
            if not isinstance(value, dict):
                raise ConfigError(f"{file} [cost] {key}: must be a table ([cost.{key}])")
            out[key] = {
                _name(name, f"{file} [cost.{key}] {name!r}"): _price(
                    price, f"{file} [cost.{key}] {name!r} = {price!r}"
                )
                for name, price in value.items()
            }
        else:
            raise ConfigError(f"{file} [cost]: unknown key {key!r} (known: {', '.join(KEYS)})")
    return out


def _price(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: a price is a number of USD an hour")
    price = float(value)
    if not math.isfinite(price) or price < 0:
        raise ConfigError(f"{where}: a price must be a finite number of at least 0")
    return price


def _number(raw: str) -> Any:
    try:
        return float(raw)
    except ValueError:
        return raw


def _share(value: Any, where: str) -> str:
    if value not in SHARES:
        raise ConfigError(f"{where}: share is 'wall' (the machine is the run's) or 'cpu'")
    return str(value)


def _name(name: str, where: str) -> str:
    if not name.strip():
        raise ConfigError(f"{where}: an empty name")
    return name.strip()
