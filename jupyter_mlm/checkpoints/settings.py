"""What the checkpoint service keeps and for how long, and a recorded failure to checkpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .content import ContentPolicy


@dataclass(frozen=True)
class CheckpointSettings:
    """Retention (``None``: no limit; applied to each author's own checkpoints of a notebook,
    the newest always kept), privacy and time limits."""

    content: ContentPolicy = field(default_factory=ContentPolicy)
    keep_count: int | None = None
    keep_days: float | None = None
    keep_bytes: int | None = None
    side_ref: bool = False
    git_timeout: float = 20.0
    datasets_timeout: float = 60.0


@dataclass(frozen=True)
class Failure:
    path: str
    time: float
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "time": self.time, "error": self.error}
