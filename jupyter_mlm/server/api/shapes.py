"""The JSON shapes of the REST API (see ``openapi.yaml``), from the store's entities. Floats
that JSON cannot hold (NaN, ±inf) become null."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...core.entities import (
    Comment,
    DatasetUse,
    DatasetVersionInfo,
    Experiment,
    LeaderboardRow,
    MetricSummary,
    RunInfo,
)


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def floats(values: Iterable[float]) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in values]


def experiment(e: Experiment, run_count: int) -> dict[str, Any]:
    return {
        "experiment_id": e.experiment_id,
        "name": e.name,
        "created_at": e.created_at,
        "lifecycle": e.lifecycle,
        "description": e.description,
        "run_count": run_count,
    }


def metric(m: MetricSummary) -> dict[str, Any]:
    return {
        "last": m.last,
        "min": m.min,
        "max": m.max,
        "mean": m.mean,
        "count": m.count,
        "last_step": m.last_step,
        "last_time": m.last_time,
    }


def run(r: RunInfo) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "name": r.name,
        "experiment": r.experiment,
        "experiment_id": r.experiment_id,
        "status": r.status,
        "start_time": r.start_time,
        "end_time": r.end_time,
        "user": r.user,
        "parent_run_id": r.parent_run_id,
        "lifecycle": r.lifecycle,
        "params": dict(r.params),
        "tags": dict(r.tags),
        "metrics": {k: metric(m) for k, m in r.metrics.items()},
    }


def run_detail(r: RunInfo, uses: Sequence[DatasetUse]) -> dict[str, Any]:
    return {
        **run(r),
        "error": r.error,
        "datasets": [
            {
                "content_id": u.content_id,
                "name": u.name,
                "context": u.context,
                "direction": u.direction,
                "created_at": u.created_at,
            }
            for u in uses
        ],
    }


def leaderboard_row(row: LeaderboardRow, runs: Mapping[str, RunInfo]) -> dict[str, Any]:
    """One row; ``metrics``: the last value of each metric of the run (the mean over the
    group's runs, for a group)."""
    members = [runs[i] for i in row.run_ids if i in runs]
    keys = sorted({k for r in members for k in r.metrics})
    metrics = {}
    for key in keys:
        values = [r.metrics[key].last for r in members if key in r.metrics]
        metrics[key] = sum(values) / len(values)
    return {
        "rank": row.rank,
        "run_id": row.run_ids[0],
        "name": row.names[0],
        "status": row.status if len(row.run_ids) == 1 else None,
        "value": row.value,
        "params": dict(row.params),
        "metrics": metrics,
        "run_ids": list(row.run_ids),
        "names": list(row.names),
        "count": row.count,
        "std": row.std,
    }


def dataset_version(v: DatasetVersionInfo, runs: Sequence[str]) -> dict[str, Any]:
    return {
        "name": v.name,
        "content_id": v.content_id,
        "kind": v.kind,
        "source": v.source,
        "bytes": v.bytes,
        "file_count": v.file_count,
        "created_at": v.created_at,
        "created_by": v.created_by,
        "runs": list(runs),
    }


def comment(c: Comment) -> dict[str, Any]:
    """A comment with its author's username and display name."""
    return {
        "comment_id": c.comment_id,
        "target_kind": c.target_kind,
        "target_id": c.target_id,
        "author": c.author,
        "author_name": c.author_name or c.author,
        "body": c.body,
        "created_at": c.created_at,
    }
