"""The one store interface: a composition of one repository per aggregate (``repositories.py``,
``run_repositories.py``) plus the writes that span aggregates. Every backend implements it."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.entities import Experiment, LeaderboardRow, RunInfo
from .blobs import BlobStore
from .repositories import (
    CheckpointRepository,
    ChunkRepository,
    CommentRepository,
    DatasetRepository,
    FileRepository,
)
from .run_repositories import (
    ExperimentRepository,
    MetricRepository,
    QueryRepository,
    RunRepository,
    Where,
)

if TYPE_CHECKING:
    import numpy as np

    from ..core.series import SeriesChunk

__all__ = ["Store", "Where"]


class Store(abc.ABC):
    """Metadata database plus blob store. Methods raise ``NotFoundError`` for unknown ids,
    ``StoreError`` when the database cannot be reached or written, and never leave a partial
    write behind (each call is one transaction)."""

    uri: str
    blobs: BlobStore
    experiments: ExperimentRepository
    runs: RunRepository
    metrics: MetricRepository
    queries: QueryRepository
    checkpoints: CheckpointRepository
    chunks: ChunkRepository
    comments: CommentRepository
    datasets: DatasetRepository
    files: FileRepository

    @abc.abstractmethod
    def set_lifecycle(self, kind: str, ident: str, lifecycle: str) -> None:
        """Archive (hide from listings) or restore a run or an experiment."""

    @abc.abstractmethod
    def purge(self, kind: str, ident: str) -> int:
        """Delete a run or an experiment with everything logged to it (one transaction);
        returns the runs removed."""

    @abc.abstractmethod
    def referenced_blobs(self) -> set[str]:
        """Every blob id a row of any aggregate refers to (for garbage collection)."""

    @abc.abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts of experiments, runs, metric points and blocks."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The names of version 0.1 (``mlm.get_store().history(...)`` and friends), kept for code
    # written against them: each is the repository method named beside it.
    def get_or_create_experiment(self, name: str) -> Experiment:
        return self.experiments.get_or_create(name)

    def get_experiment(self, name_or_id: str) -> Experiment:
        return self.experiments.get(name_or_id)

    def list_experiments(self, *, include_archived: bool = False) -> list[Experiment]:
        return self.experiments.list(include_archived=include_archived)

    def get_run(self, run_id: str) -> RunInfo:
        return self.runs.get(run_id)

    def get_runs(self, run_ids: Sequence[str]) -> list[RunInfo]:
        return self.runs.get_many(run_ids)

    def log_params(self, run_id: str, params: Mapping[str, Any]) -> None:
        self.runs.log_params(run_id, params)

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        self.runs.set_tags(run_id, tags)

    def write_metrics(self, chunks: list[SeriesChunk], *, journal_id: str | None = None) -> bool:
        return self.metrics.write(chunks, journal_id=journal_id)

    def history(
        self, run_id: str, key: str, start: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.metrics.history(run_id, key, start)

    def history_overview(
        self, run_id: str, key: str, points: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        return self.metrics.overview(run_id, key, points)

    def search_runs(self, experiment_ids: list[str] | None = None, **query: Any) -> list[RunInfo]:
        return self.queries.search(experiment_ids, **query)

    def leaderboard(self, experiment_id: str, metric: str, **query: Any) -> list[LeaderboardRow]:
        return self.queries.leaderboard(experiment_id, metric, **query)
