"""One repository per aggregate, each a small interface a backend implements: a store is
their composition (``Store.checkpoints``, ``Store.chunks``, ``Store.comments``, ``Store.datasets``, ``Store.files``). Methods raise ``NotFoundError``
for unknown ids and ``StoreError`` when the database fails; each call is one transaction.
(The other aggregates still sit on ``Store`` itself and move here one by one.)"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..core.entities import (
    Artifact,
    CheckpointInfo,
    Comment,
    DatasetUse,
    DatasetVersionInfo,
    LoggedBlob,
)

COMMENT_TARGETS = ("run", "experiment", "checkpoint", "model")
MAX_COMMENT = 20_000
DIRECTIONS = ("input", "output")


class ChunkRepository(abc.ABC):
    """Checkpoint content: chunks stored once per blake3 id."""

    @abc.abstractmethod
    def put(self, chunks: Mapping[str, bytes]) -> int:
        """Store the chunks not stored yet (refreshing the time of re-used ones); returns the
        bytes added."""

    @abc.abstractmethod
    def get(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The chunks by id, checked against their id (``NotFoundError`` names a missing one)."""

    @abc.abstractmethod
    def total_bytes(self) -> int:
        """The stored size of every chunk."""

    @abc.abstractmethod
    def manifest_ids(self) -> list[str]:
        """The manifest chunk of every checkpoint."""

    @abc.abstractmethod
    def delete_unreferenced(
        self, referenced: set[str], older_than: float, *, dry_run: bool = False
    ) -> int:
        """Remove chunks not in ``referenced`` stored before ``older_than``; their count."""


class CheckpointRepository(abc.ABC):
    """Checkpoint rows with the runs and dataset versions they record, and file deletions."""

    @abc.abstractmethod
    def insert(self, row: Mapping[str, Any]) -> None: ...

    @abc.abstractmethod
    def update(
        self,
        checkpoint_id: str,
        fields: Mapping[str, Any],
        *,
        run_ids: Sequence[str] | None = None,
        datasets: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Fill in what was found after the save (git state, datasets, runs)."""

    @abc.abstractmethod
    def attach_late_run(
        self,
        run_id: str,
        repo: str,
        path: str,
        start_time: float,
        datasets: Sequence[Mapping[str, Any]],
    ) -> str | None:
        """Link a run whose notebook was known only after its checkpoint to that checkpoint."""

    @abc.abstractmethod
    def get(self, checkpoint_id: str) -> CheckpointInfo: ...

    @abc.abstractmethod
    def of_run(self, run_id: str) -> CheckpointInfo | None:
        """The first checkpoint linked to the run (the one it was started from); None if
        none is."""

    @abc.abstractmethod
    def find(
        self,
        *,
        repo: str | None = None,
        path: str | None = None,
        author: str | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = True,
    ) -> tuple[list[CheckpointInfo], int]:
        """Checkpoints of a notebook and/or an author, a page of them and their total."""

    @abc.abstractmethod
    def times(
        self, repo: str, path: str, limit: int = 100, deleted_by: str | None = None
    ) -> list[tuple[str, float]]:
        """``(checkpoint_id, created_at)`` of a file's newest checkpoints, newest first; with
        ``deleted_by``, only those since that user last deleted the file."""

    @abc.abstractmethod
    def latest_time(self, repo: str, path: str, before: float) -> float | None: ...

    @abc.abstractmethod
    def delete(self, checkpoint_id: str) -> None: ...

    @abc.abstractmethod
    def move(self, old_repo: str, old_path: str, new_repo: str, new_path: str) -> int:
        """Carry a file's (or a folder's files') history to a new path; how many moved."""

    @abc.abstractmethod
    def notebook_runs(self, repo: str, path: str, since: float | None, until: float) -> list[str]:
        """Runs started from the notebook in ``(since, until]``, oldest first."""

    @abc.abstractmethod
    def datasets_of_runs(self, run_ids: Sequence[str]) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def mark_deleted(self, repo: str, path: str, author: str, at: float) -> None:
        """``author`` deleted the file or folder ``path`` at ``at``."""

    @abc.abstractmethod
    def deleted_at(self, repo: str, path: str, author: str) -> float | None:
        """When ``author`` last deleted ``path`` or a folder above it; None if never."""


class CommentRepository(abc.ABC):
    """Comments on runs, experiments, checkpoints and models."""

    @abc.abstractmethod
    def add(
        self,
        target_kind: str,
        target_id: str,
        body: str,
        author: str | None = None,
        author_name: str | None = None,
    ) -> Comment:
        """A comment by ``author`` (default: the OS user) on one of ``COMMENT_TARGETS``; the
        target must exist."""

    @abc.abstractmethod
    def get(self, comment_id: str) -> Comment: ...

    @abc.abstractmethod
    def delete(self, comment_id: str, author: str) -> None:
        """Only the comment's author may (``PermissionError`` otherwise)."""

    @abc.abstractmethod
    def of(self, target_kind: str, target_id: str) -> list[Comment]:
        """The comments on one target, oldest first."""


class DatasetRepository(abc.ABC):
    """Dataset versions (content id + name) and which runs read or wrote them."""

    @abc.abstractmethod
    def record(self, info: DatasetVersionInfo) -> DatasetVersionInfo:
        """Store a version (a no-op when this name already has this content)."""

    @abc.abstractmethod
    def get(self, ref: str) -> DatasetVersionInfo:
        """By content id (or a unique prefix of at least 8 characters), ``NAME`` (its newest
        version) or ``NAME@ID``."""

    @abc.abstractmethod
    def versions(self, name: str | None = None) -> list[DatasetVersionInfo]:
        """Every version (of one dataset), by name then newest first."""

    @abc.abstractmethod
    def link(
        self, run_id: str, info: DatasetVersionInfo, context: str, direction: str = "input"
    ) -> DatasetUse:
        """Record that the run read (``input``) or wrote (``output``) the version."""

    @abc.abstractmethod
    def uses(self, *, run_id: str | None = None, content_id: str | None = None) -> list[DatasetUse]:
        """Links of one run, or of one dataset content, oldest first."""


class FileRepository(abc.ABC):
    """Texts, images and artifacts of runs: the content in the blob store, a row each."""

    @abc.abstractmethod
    def add_text(self, run_id: str, name: str, text: str, step: int | None) -> LoggedBlob: ...

    @abc.abstractmethod
    def add_image(
        self, run_id: str, name: str, png: bytes, size: tuple[int, int], step: int | None
    ) -> LoggedBlob: ...

    @abc.abstractmethod
    def add_artifact(self, run_id: str, path: str, name: str) -> Artifact:
        """A file or folder (its files) under ``name``; a new one replaces the old."""

    @abc.abstractmethod
    def texts(self, run_id: str) -> list[LoggedBlob]: ...

    @abc.abstractmethod
    def images(self, run_id: str) -> list[LoggedBlob]: ...

    @abc.abstractmethod
    def artifacts(self, run_id: str) -> list[Artifact]: ...
