"""``advise``: every rule over one run's samples, in ``KINDS`` order."""

from __future__ import annotations

from .advice import Advice
from .gpu_time import idle_gpu_advice, input_bound_advice
from .record import RunRecord
from .rightsizing import cores_advice, smaller_gpu_advice
from .run_cost import RunCost, run_cost


def advise(record: RunRecord, cost: RunCost | None = None) -> list[Advice]:
    """What the run's own samples say could have cost less (an empty list: nothing, or no
    ``sys/`` samples to tell); ``cost`` is the run's (default: priced as recorded)."""
    if cost is None:
        cost = run_cost(record)
    cores, needed = cores_advice(record, cost)
    found = [
        cores,
        smaller_gpu_advice(record, cost, needed),
        input_bound_advice(record, cost),
        idle_gpu_advice(record, cost),
    ]
    return [a for a in found if a is not None]
