"""The one store interface. Every backend (SQLite, PostgreSQL) implements exactly this."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.entities import (
    Experiment,
    LeaderboardRow,
    RunInfo,
)
from .blobs import BlobStore
from .repositories import (
    CheckpointRepository,
    ChunkRepository,
    CommentRepository,
    DatasetRepository,
    FileRepository,
)

if TYPE_CHECKING:
    import numpy as np

    from ..core.series import SeriesChunk

Where = str | Mapping[str, Any] | None


class Store(abc.ABC):
    """Metadata database plus blob store. Methods raise ``NotFoundError`` for unknown ids,
    ``StoreError`` when the database cannot be reached or written, and never leave a partial
    write behind (each call is one transaction)."""

    uri: str
    blobs: BlobStore
    #: one repository per aggregate (``repositories.py``); the rest of this interface follows
    checkpoints: CheckpointRepository
    chunks: ChunkRepository
    comments: CommentRepository
    datasets: DatasetRepository
    files: FileRepository

    # experiments
    @abc.abstractmethod
    def get_or_create_experiment(self, name: str) -> Experiment: ...
    @abc.abstractmethod
    def get_experiment(self, name_or_id: str) -> Experiment: ...
    @abc.abstractmethod
    def list_experiments(self, *, include_archived: bool = False) -> list[Experiment]: ...

    # runs
    @abc.abstractmethod
    def create_run(
        self,
        experiment_id: str,
        *,
        name: str | None,
        params: Mapping[str, Any],
        tags: Mapping[str, str],
        parent_run_id: str | None,
    ) -> RunInfo:
        """A new run in status ``running`` owned by this process."""

    @abc.abstractmethod
    def get_run(self, run_id: str) -> RunInfo:
        """The run with its params, tags and metric summaries; a dead owner reads ``crashed``."""

    @abc.abstractmethod
    def end_run(self, run_id: str, status: str, error: str | None = None) -> None: ...
    @abc.abstractmethod
    def reopen_run(self, run_id: str) -> RunInfo:
        """Mark a run ``running`` again, owned by this process (resuming by id)."""

    @abc.abstractmethod
    def heartbeat(self, run_ids: list[str]) -> None: ...
    @abc.abstractmethod
    def log_params(self, run_id: str, params: Mapping[str, Any]) -> None:
        """Add params; ``ConflictError`` if one is already stored with another value."""

    @abc.abstractmethod
    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None: ...
    @abc.abstractmethod
    def delete_tag(self, run_id: str, key: str) -> None: ...

    # metrics
    @abc.abstractmethod
    def write_metrics(self, chunks: list[SeriesChunk], *, journal_id: str | None = None) -> bool:
        """Append packed points in one transaction. With ``journal_id``, the write happens at
        most once: returns False if that journal was already replayed."""

    @abc.abstractmethod
    def history(
        self, run_id: str, key: str, start: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps int64, values float64, unix times float64) in logging order, from the
        ``start``-th point on (only the blocks holding those are read)."""

    @abc.abstractmethod
    def history_overview(
        self, run_id: str, key: str, points: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """About ``points`` points of the series picked by min/max over the point index
        (steps, values, times) and its total point count, read in proportion to ``points``."""

    @abc.abstractmethod
    def last_steps(self, run_id: str) -> dict[str, int]: ...

    # queries
    @abc.abstractmethod
    def search_runs(
        self,
        experiment_ids: list[str] | None = None,
        *,
        where: Where = None,
        order_by: str | list[str] | None = None,
        limit: int | None = None,
        include_archived: bool = False,
        dataset: str | None = None,
    ) -> list[RunInfo]:
        """Runs of these experiments (all if None), newest first; ``dataset``: only runs
        linked to that dataset content id."""

    @abc.abstractmethod
    def leaderboard(
        self,
        experiment_id: str,
        metric: str,
        *,
        goal: str = "max",
        agg: str = "last",
        where: Where = None,
        group_by: list[str] | None = None,
        limit: int | None = 10,
    ) -> list[LeaderboardRow]: ...

    # pages and per-notebook views (the REST API)
    @abc.abstractmethod
    def runs_page(
        self,
        experiment_ids: list[str] | None = None,
        *,
        where: Where = None,
        order_by: str | list[str] | None = None,
        limit: int = 100,
        offset: int = 0,
        status: str | None = None,
        notebook: tuple[str, str] | None = None,
        include_archived: bool = False,
    ) -> tuple[list[RunInfo], int]:
        """One page of runs and the total; ``notebook``: (repo, path) they were started from."""

    @abc.abstractmethod
    def notebook_leaderboard(
        self,
        experiment_id: str,
        metric: str,
        *,
        notebook: tuple[str, str],
        goal: str = "max",
        agg: str = "last",
        where: Where = None,
        group_by: list[str] | None = None,
        limit: int | None = 10,
    ) -> list[LeaderboardRow]: ...
    @abc.abstractmethod
    def get_runs(self, run_ids: Sequence[str]) -> list[RunInfo]: ...
    @abc.abstractmethod
    def run_counts(self) -> dict[str, int]: ...
    @abc.abstractmethod
    def dataset_runs(
        self, run_ids: Sequence[str] | None = None
    ) -> dict[tuple[str, str], list[str]]: ...


    # lifecycle
    @abc.abstractmethod
    def set_lifecycle(self, kind: str, ident: str, lifecycle: str) -> None:
        """Archive (hide from listings) or restore a run or an experiment."""

    @abc.abstractmethod
    def purge(self, kind: str, ident: str) -> int:
        """Delete a run or an experiment with everything logged to it; returns runs removed."""

    @abc.abstractmethod
    def referenced_blobs(self) -> set[str]: ...
    @abc.abstractmethod
    def stats(self) -> dict[str, Any]: ...
    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
