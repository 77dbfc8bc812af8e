"""Plain value objects returned by the store; no database or framework types leak out."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Experiment:
    experiment_id: str
    name: str
    created_at: float
    lifecycle: str = "active"
    description: str | None = None


@dataclass(frozen=True)
class MetricSummary:
    """Per run and metric: what leaderboards read without touching the series."""

    key: str
    last: float
    last_step: int
    last_time: float
    min: float
    max: float
    count: int
    sum: float

    @property
    def mean(self) -> float:
        return self.sum / self.count if self.count else float("nan")


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    experiment_id: str
    experiment: str
    name: str
    status: str
    start_time: float
    end_time: float | None
    parent_run_id: str | None
    user: str
    host: str
    pid: int
    error: str | None = None
    lifecycle: str = "active"
    params: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, MetricSummary] = field(default_factory=dict)

    @property
    def duration(self) -> float | None:
        return None if self.end_time is None else self.end_time - self.start_time

    def as_row(self) -> dict[str, Any]:
        """A flat dict (for tables and data frames): params.X, tags.X and metrics.X columns."""
        row: dict[str, Any] = {
            "run_id": self.run_id,
            "experiment": self.experiment,
            "name": self.name,
            "status": self.status,
            "start_time": _dt.datetime.fromtimestamp(self.start_time),
            "duration_s": self.duration,
            "user": self.user,
            "parent_run_id": self.parent_run_id,
        }
        row.update({f"params.{k}": v for k, v in self.params.items()})
        row.update({f"tags.{k}": v for k, v in self.tags.items()})
        row.update({f"metrics.{k}": m.last for k, m in self.metrics.items()})
        return row


@dataclass(frozen=True)
class LeaderboardRow:
    """One leaderboard line: a run, or with ``group_by`` a group of runs sharing those params."""

    rank: int
    value: float
    run_ids: tuple[str, ...]
    names: tuple[str, ...]
    params: dict[str, Any]
    count: int = 1
    std: float = 0.0
    status: str | None = None


@dataclass(frozen=True)
class Artifact:
    run_id: str
    name: str
    blob_id: str
    size: int
    created_at: float


@dataclass(frozen=True)
class LoggedBlob:
    """A text or image logged to a run."""

    run_id: str
    name: str
    step: int | None
    blob_id: str
    created_at: float
    width: int | None = None
    height: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class Comment:
    comment_id: str
    target_kind: str
    target_id: str
    author: str
    body: str
    created_at: float
    author_name: str | None = None  # display name; None for comments written before 0.1


@dataclass(frozen=True)
class DatasetVersionInfo:
    """A dataset version as stored: the content id is the blake3 of the content (of the
    manifest for folders), so the same data has the same id wherever it lives."""

    content_id: str
    name: str
    kind: str  # file, folder, frame, array
    source: str
    file_count: int
    bytes: int
    created_at: float
    created_by: str
    manifest_blob: str | None = None
    schema: dict[str, Any] | None = None
    rows_blob: str | None = None


@dataclass(frozen=True)
class DatasetUse:
    """A run read (``input``) or wrote (``output``) a dataset version in some context."""

    run_id: str
    content_id: str
    name: str
    context: str
    direction: str
    created_at: float


@dataclass(frozen=True)
class CheckpointInfo:
    """One checkpoint of a notebook or file: who, when, where in git, which data and runs."""

    checkpoint_id: str
    repo: str  # repository identity, "" outside git
    path: str  # repo-relative POSIX path
    kind: str  # notebook | file
    author: str
    author_name: str
    created_at: float
    message: str | None
    manifest_id: str | None
    content_hash: str | None
    size: int
    outputs_shared: bool
    omitted_outputs: int
    git_state: str
    git_commit: str | None
    git_branch: str | None
    git_dirty: bool | None
    git_detail: str | None
    side_ref: str | None
    datasets_state: str
    datasets_detail: str | None
    error: str | None
    restored_from: str | None
    runs: tuple[dict[str, Any], ...] = ()
    datasets: tuple[dict[str, Any], ...] = ()
    comment_count: int = 0

    @property
    def last_modified(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self.created_at, tz=_dt.timezone.utc)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the REST API."""
        return {
            "checkpoint_id": self.checkpoint_id,
            "path": self.path,
            "repo": self.repo,
            "kind": self.kind,
            "author": self.author,
            "author_name": self.author_name,
            "created_at": self.created_at,
            "message": self.message,
            "size": self.size,
            "outputs_shared": self.outputs_shared,
            "omitted_outputs": self.omitted_outputs,
            "git": {
                "state": self.git_state,
                "commit": self.git_commit,
                "branch": self.git_branch,
                "dirty": self.git_dirty,
                "detail": self.git_detail,
                "side_ref": self.side_ref,
            },
            "datasets_state": self.datasets_state,
            "datasets_detail": self.datasets_detail,
            "datasets": [dict(d) for d in self.datasets],
            "runs": [dict(r) for r in self.runs],
            "error": self.error,
            "restored_from": self.restored_from,
            "comment_count": self.comment_count,
        }


class RunList(list):
    """A list of ``RunInfo`` with ``to_pandas()``."""

    def to_pandas(self):  # -> pandas.DataFrame
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError("to_pandas() needs pandas: pip install pandas") from err
        return pd.DataFrame([r.as_row() for r in self])
