"""``Advice``: one way a run could have cost less, said in plain words with the numbers it
rests on (``evidence``) and what it would save at the run's prices (None, with
``saving_reason``, where no price tells it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: the rules, in the order their advice is listed
KINDS = ("cores", "smaller_gpu", "input_bound", "idle_gpu")
#: fewer samples than this say too little to advise on
MIN_SAMPLES = 10


@dataclass(frozen=True)
class Advice:
    kind: str  # one of KINDS
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    saving_per_hour: float | None = None  # USD an hour of such a run
    saving_total: float | None = None  # USD on this run
    saving_reason: str | None = None  # why there is no saving figure

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def money(amount: float) -> str:
    """USD for a message: cents, or more digits below a cent."""
    return f"${amount:.2f}" if amount >= 0.01 or amount == 0 else f"${amount:.4f}"


def span(hours: float) -> str:
    """A length of time for a message: seconds, minutes or hours."""
    seconds = hours * 3600
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{hours:.1f} h"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
