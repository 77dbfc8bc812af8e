"""``CostReport``: the costs of several runs (an experiment, a query) and their total."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import CURRENCY
from .run_cost import RunCost


@dataclass(frozen=True)
class RunCostRow:
    run_id: str
    name: str
    experiment: str
    status: str
    cost: RunCost

    def as_row(self) -> dict[str, Any]:
        c = self.cost
        return {"run_id": self.run_id, "name": self.name, "experiment": self.experiment,
                "status": self.status, "cost": c.amount, "hourly": c.hourly, "hours": c.hours,
                "share": c.share, "cpu_share": c.fraction if c.share == "cpu" else None,
                "machine": c.machine, "price_source": c.source, "reason": c.reason}  # fmt: skip


@dataclass(frozen=True)
class CostReport:
    rows: tuple[RunCostRow, ...]

    @property
    def total(self) -> float:
        """The sum over the runs with a price (``unpriced`` says how many have none)."""
        return sum(r.cost.amount for r in self.rows if r.cost.amount is not None)

    @property
    def priced(self) -> int:
        return sum(1 for r in self.rows if r.cost.amount is not None)

    @property
    def unpriced(self) -> int:
        return len(self.rows) - self.priced

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[RunCostRow]:
        return iter(self.rows)

    def __str__(self) -> str:
        text = f"${self.total:.2f} over {self.priced} run(s)"
        return text + (f"; {self.unpriced} run(s) without a price" if self.unpriced else "")

    def to_dict(self) -> dict[str, Any]:
        return {"currency": CURRENCY, "total": self.total, "priced": self.priced,
                "unpriced": self.unpriced, "runs": [r.as_row() for r in self.rows]}  # fmt: skip

    def to_pandas(self):  # -> pandas.DataFrame
        """One row per run: cost, hourly, hours, share, machine, price source, reason."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError("to_pandas() needs pandas: pip install pandas") from err
        return pd.DataFrame([r.as_row() for r in self.rows])
