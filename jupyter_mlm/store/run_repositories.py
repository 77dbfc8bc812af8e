"""The tracking aggregates' repositories: experiments, runs, metric series, and the read model
over runs (search, leaderboards, pages, counts). Same contract as ``repositories.py``: unknown
ids raise ``NotFoundError``, a failing database ``StoreError``; each call is one transaction."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.entities import Experiment, LeaderboardRow, RunInfo

if TYPE_CHECKING:
    import numpy as np

    from ..core.series import SeriesChunk

Where = str | Mapping[str, Any] | None


class ExperimentRepository(abc.ABC):
    @abc.abstractmethod
    def get_or_create(self, name: str) -> Experiment: ...

    @abc.abstractmethod
    def get(self, name_or_id: str) -> Experiment: ...

    @abc.abstractmethod
    def list(self, *, include_archived: bool = False) -> list[Experiment]:
        """Oldest first; archived ones only when asked."""

    @abc.abstractmethod
    def forget(self) -> None:
        """Drop cached lookups (an experiment was deleted or renamed elsewhere)."""


class RunRepository(abc.ABC):
    @abc.abstractmethod
    def create(
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
    def get(self, run_id: str) -> RunInfo:
        """The run with its params, tags and metric summaries; a dead owner reads ``crashed``."""

    @abc.abstractmethod
    def get_many(self, run_ids: Sequence[str]) -> list[RunInfo]:
        """The runs with these ids, in the order given (unknown ids left out)."""

    @abc.abstractmethod
    def end(self, run_id: str, status: str, error: str | None = None) -> None: ...

    @abc.abstractmethod
    def reopen(self, run_id: str) -> RunInfo:
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


class MetricRepository(abc.ABC):
    @abc.abstractmethod
    def write(self, chunks: list[SeriesChunk], *, journal_id: str | None = None) -> bool:
        """Append packed points in one transaction. With ``journal_id``, the write happens at
        most once: returns False if that journal was already replayed."""

    @abc.abstractmethod
    def history(
        self, run_id: str, key: str, start: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps int64, values float64, unix times float64) in logging order, from the
        ``start``-th point on (only the blocks holding those are read)."""

    @abc.abstractmethod
    def overview(
        self, run_id: str, key: str, points: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """About ``points`` points of the series picked by min/max over the point index
        (steps, values, times) and its total point count, read in proportion to ``points``."""

    @abc.abstractmethod
    def last_steps(self, run_id: str) -> dict[str, int]:
        """The step of each metric's last logged point (where automatic steps resume)."""


class QueryRepository(abc.ABC):
    """The read model over runs: filtered and ordered searches, leaderboards, pages, counts."""

    @abc.abstractmethod
    def search(
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
        notebook: tuple[str, str] | None = None,
    ) -> list[LeaderboardRow]:
        """The best runs (or groups) by ``agg`` of ``metric``; ``notebook``: only the runs
        started from that (repo, path)."""

    @abc.abstractmethod
    def page(
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
    def run_counts(self) -> dict[str, int]:
        """Active runs per experiment id."""

    @abc.abstractmethod
    def dataset_runs(
        self, run_ids: Sequence[str] | None = None
    ) -> dict[tuple[str, str], list[str]]:
        """(content id, name) of each dataset version → the runs that used it (of ``run_ids``
        only, when given), oldest link first."""
