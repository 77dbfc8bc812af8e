"""A stored run's cost and advice (``jupyter_mlm.cost``) from its record: times, the prices
recorded as it started, its system description and ``sys/…`` series."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..cost.advice import Advice
from ..cost.advise import advise
from ..cost.record import RunRecord
from ..cost.report import CostReport, RunCostRow
from ..cost.run_cost import RunCost, run_cost

if TYPE_CHECKING:
    import numpy as np

    from .reading import RunView


def record_of(view: RunView) -> RunRecord:
    """What cost and advice read of a stored run."""
    context = view.context
    read: dict[str, np.ndarray] = {}  # the rules read some series more than once

    def values(key: str) -> np.ndarray:
        if key not in read:
            read[key] = view.history(key)[1]
        return read[key]

    return RunRecord(
        run_id=view.run_id,
        name=view.name,
        start_time=view.start_time,
        end_time=view.end_time,
        prices=context.get("cost") or {},
        system=context.get("system") or {},
        keys=frozenset(view.metrics),
        read=values,
    )


def cost_of(view: RunView, *, hourly: float | None = None) -> RunCost:
    return run_cost(record_of(view), hourly=hourly)


def advice_of(view: RunView) -> list[Advice]:
    return advise(record_of(view))


def cost_report(views: Iterable[RunView], *, hourly: float | None = None) -> CostReport:
    """Each run's cost, in the order given, and their total."""
    return CostReport(
        tuple(
            RunCostRow(v.run_id, v.name, v.experiment, v.status, cost_of(v, hourly=hourly))
            for v in views
        )
    )
