"""Runs as cost and advice read them, made from synthetic samples; the tracking fixture on
SQLite only (cost reads texts and series, which the store suite checks on every backend)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest

from jupyter_mlm.cost.record import RunRecord

START = 1_700_000_000.0


@pytest.fixture
def backend() -> str:
    return "sqlite"


def record(
    series: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    *,
    prices: Mapping[str, Any] | None = None,
    system: Mapping[str, Any] | None = None,
    hours: float = 2.0,
    running: bool = False,
) -> RunRecord:
    """A run of ``hours`` with these ``sys/`` series and the prices recorded as it started."""
    data = {k: np.asarray(v, dtype=float) for k, v in (series or {}).items()}
    end = START + hours * 3600
    return RunRecord(
        run_id="r1",
        name="run-one",
        start_time=START,
        end_time=None if running else end,
        prices=dict(prices or {}),
        system=dict(system or {}),
        keys=frozenset(data),
        read=data.__getitem__,
        now=end if running else None,
    )


def priced(machine: str, hourly: float, **more: Any) -> dict[str, Any]:
    """What ``describe_prices`` records for a machine of the default table."""
    return {"machine": machine, "machine_source": "test", "hourly": hourly,
            "price_source": "default table", "share": "wall", **more}  # fmt: skip
