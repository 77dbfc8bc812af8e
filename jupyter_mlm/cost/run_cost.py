"""``RunCost``: what a run cost — the hourly price × its wall hours, × the share of the
machine's CPU it used with ``share = "cpu"`` — or, when that cannot be known, no amount and
the reason (never a number from a wrong price)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from . import CURRENCY
from .pricing import UNCONFIGURED, gpu_hourly
from .record import RunRecord

CPU_KEY = "sys/cpu_percent"


@dataclass(frozen=True)
class RunCost:
    amount: float | None  # USD; None: unknown, see reason
    hourly: float | None  # the machine's price an hour
    hours: float  # wall hours (up to now while it runs)
    share: str  # "wall" or "cpu"
    fraction: float | None  # of the machine the run pays for: 1, or its mean CPU share
    source: str | None  # where the hourly price comes from
    machine: str | None  # the instance type, when known
    running: bool
    reason: str | None = None  # why amount is None
    currency: str = CURRENCY

    @property
    def per_hour(self) -> float | None:
        """What the run paid an hour (the hourly price × its share)."""
        if self.hourly is None or self.fraction is None:
            return None
        return self.hourly * self.fraction

    def __str__(self) -> str:
        if self.amount is None:
            return f"unknown ({self.reason})"
        basis = f"{self.hours:.3g} h × ${self.hourly:.4g}/h"
        if self.share == "cpu":
            basis += f" × {self.fraction:.1%} CPU share"
        so_far = " so far" if self.running else ""
        return f"${self.amount:.2f}{so_far} ({basis}; {self.source})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_cost(record: RunRecord, *, hourly: float | None = None) -> RunCost:
    """The run's cost from what is stored; ``hourly`` prices it at that rate instead of the
    one recorded as it started (for runs recorded without a price)."""
    prices = record.prices
    share = str(prices.get("share", "wall"))
    unknown = RunCost(amount=None, hourly=None, hours=record.hours, share=share, fraction=None,
                      source=None, machine=record.machine, running=record.running)  # fmt: skip
    price: float | None
    if hourly is not None:
        if not (isinstance(hourly, (int, float)) and math.isfinite(hourly) and hourly >= 0):
            raise ValueError(f"hourly must be a price of at least 0, got {hourly!r}")
        price, source = float(hourly), "given"
    elif not prices:
        return replace(unknown, reason=UNCONFIGURED)
    elif prices.get("hourly") is not None:
        price, source = float(prices["hourly"]), str(prices.get("price_source"))
    elif prices.get("gpu_prices"):
        price, source = gpu_hourly(prices["gpu_prices"], list(record.system.get("gpus") or ()))
        if price is None:
            return replace(unknown, reason=source)
    else:
        return replace(unknown, reason=str(prices.get("reason") or UNCONFIGURED))
    fraction: float | None = 1.0
    if share == "cpu":
        fraction, why = cpu_share(record)
        if fraction is None:
            return replace(unknown, hourly=price, source=source, reason=why)
    assert fraction is not None
    return replace(unknown, amount=price * record.hours * fraction, hourly=price,
                   fraction=fraction, source=source)  # fmt: skip


def cpu_share(record: RunRecord) -> tuple[float | None, str]:
    """(the mean of the process's CPU over the machine's cores, 0..1; or None and why)."""
    cpus = record.cpus
    values = record.values(CPU_KEY)
    if values is None:
        return None, (
            f"share = 'cpu' needs the run's {CPU_KEY} samples and it has none (system "
            "metrics were off, or it ended before its second sample)"
        )
    if not cpus:
        return None, "share = 'cpu' needs the machine's CPU count, which was not recorded"
    return min(1.0, max(0.0, float(values.mean()) / (100.0 * cpus))), ""
