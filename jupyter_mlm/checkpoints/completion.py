"""The background half of recording a checkpoint: its git state (and optional side ref), the runs
started since the previous checkpoint, the declared datasets hashed within a time limit, then
the author's retention settings applied. ``CheckpointService`` runs it on its worker pool."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..capture.urls import scrub_text
from ..store.base import Store
from .gitstate import commit_side_ref, git_state
from .locate import NotebookRef

if TYPE_CHECKING:
    from .settings import CheckpointSettings


@dataclass(frozen=True)
class Completion:
    """Completes the checkpoints of one notebook (``ref``) in ``store``; ``hash_pool`` gives the
    service's dataset-hashing pool (made on first use)."""

    settings: CheckpointSettings
    server_root: str | None
    store: Store
    ref: NotebookRef
    hash_pool: Callable[[], ThreadPoolExecutor]

    def run(self, row: dict[str, Any], declared: list[str], data: bytes) -> None:
        """Fill in what the save did not wait for: git, runs, datasets; then apply retention."""
        store, ref = self.store, self.ref
        fields: dict[str, Any] = {}
        # Outside a work tree git_state still says why (no git, a bare repository, none).
        try:
            git = git_state(
                ref.root or _existing_folder(ref.abs_path), timeout=self.settings.git_timeout
            )
        except Exception as err:
            git = {"state": "error", "detail": scrub_text(str(err))}
        fields.update(
            git_state=git["state"],
            git_commit=git.get("commit"),
            git_branch=git.get("branch"),
            git_dirty=git.get("dirty"),
            git_detail=git.get("detail"),
        )
        if self.settings.side_ref and ref.root and git["state"] == "ok":
            fields["side_ref"] = self._side_ref(row, data, fields)
        run_ids: list[str] = []
        datasets: list[dict[str, Any]] = []
        problems: list[str] = []
        try:
            since = store.checkpoints.latest_time(ref.repo, ref.path, before=row["created_at"])
            run_ids = store.checkpoints.notebook_runs(ref.repo, ref.path, since, row["created_at"])
            datasets = [{**d, "origin": "run"} for d in store.checkpoints.datasets_of_runs(run_ids)]
        except Exception as err:
            problems.append(f"runs: {scrub_text(str(err))}")
        state = "ok"
        if declared:
            found, state, notes = self._declared(declared)
            datasets.extend(found)
            problems.extend(notes)
        if problems and state == "ok":
            state = "error"
        fields.update(datasets_state=state, datasets_detail="; ".join(problems) or None)
        store.checkpoints.update(row["checkpoint_id"], fields, run_ids=run_ids, datasets=datasets)
        self._retain(row["author"])

    def _side_ref(self, row: dict[str, Any], data: bytes, git: dict[str, Any]) -> str | None:
        ref = self.ref
        assert ref.root is not None
        try:
            return commit_side_ref(
                ref.root,
                os.path.relpath(ref.abs_path, ref.root).replace(os.sep, "/"),
                data,
                author=row["author"],
                author_name=row["author_name"],
                message=row["message"] or f"jupyter-mlm checkpoint of {ref.path}",
                timeout=self.settings.git_timeout,
            )
        except Exception as err:
            note = f"side ref not written: {scrub_text(str(err))}"
            git["git_detail"] = f"{git['git_detail']}; {note}" if git.get("git_detail") else note
            return None

    def _declared(self, paths: list[str]) -> tuple[list[dict[str, Any]], str, list[str]]:
        """Hash the datasets named in ``metadata.mlm.datasets`` (inside the repository, or the
        notebook's folder outside git), within the time limit."""
        from ..data.versions import resolve

        ref = self.ref
        base = os.path.dirname(ref.abs_path)
        boundary = os.path.realpath(ref.root or self.server_root or base)
        found: list[dict[str, Any]] = []
        notes: list[str] = []
        deadline = time.monotonic() + self.settings.datasets_timeout
        for declared in paths:
            target = os.path.realpath(os.path.join(base, os.path.expanduser(declared)))
            if os.path.commonpath([target, boundary]) != boundary:
                notes.append(f"{declared!r} is outside {boundary}; not hashed")
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                return (
                    found,
                    "timeout",
                    [*notes, f"gave up after {self.settings.datasets_timeout:g} s"],
                )
            job = self.hash_pool().submit(resolve, target, self.store)
            try:
                version = job.result(timeout=left)
            except FutureTimeout:
                return (
                    found,
                    "timeout",
                    [*notes, f"hashing {declared!r} took longer than the limit"],
                )
            except Exception as err:
                notes.append(f"{declared!r}: {scrub_text(str(err))}")
                continue
            found.append(
                {
                    "content_id": version.content_id,
                    "name": version.name,
                    "source": version.info.source,
                    "origin": "metadata",
                }
            )
        return found, ("error" if notes else "ok"), notes

    def _retain(self, author: str) -> None:
        s = self.settings
        if s.keep_count is None and s.keep_days is None and s.keep_bytes is None:
            return
        mine, _ = self.store.checkpoints.find(
            repo=self.ref.repo, path=self.ref.path, author=author, limit=1_000_000
        )
        cutoff = None if s.keep_days is None else time.time() - s.keep_days * 86400
        total = 0
        for index, info in enumerate(mine):  # newest first; the newest is always kept
            total += info.size
            if index == 0:
                continue
            if (
                (s.keep_count is not None and index >= s.keep_count)
                or (cutoff is not None and info.created_at < cutoff)
                or (s.keep_bytes is not None and total > s.keep_bytes)
            ):
                self.store.checkpoints.delete(info.checkpoint_id)


def _existing_folder(abs_path: str) -> str:
    """The closest existing folder holding ``abs_path`` (a deleted notebook's folder may be gone)."""
    folder = os.path.dirname(abs_path)
    while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folder
