"""Checkpoints of notebooks and files: record, list, read, delete, carry over renames.

One ``CheckpointService`` serves the Jupyter server's checkpoints class, its REST API and
``%mlm_track checkpoint``. Content is recorded on the caller's thread (it is what was saved); the
git state, the runs started since the previous checkpoint and the dataset versions in play are
filled in by a background worker, bounded by time limits, so a save never waits for them.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from ..capture.urls import scrub_text
from ..core.entities import CheckpointInfo
from ..core.errors import NotFoundError
from ..core.hashing import blake3_hex
from ..store.base import Store
from .author import Author
from .completion import Completion
from .content import (
    ChunkCache,
    Split,
    join_bytes,
    join_file,
    join_notebook,
    keep_saved_bytes,
    manifest_of,
    split_file,
)
from .content import split_notebook as _split_notebook
from .locate import NotebookRef, locate
from .notebook_shape import check_notebook
from .settings import CheckpointSettings, Failure

log = logging.getLogger("jupyter_mlm.checkpoints")

MAX_FAILURES = 50
MAX_RECENT = 10_000


def _default_store_for(path: str) -> Store:
    from ..store.opened import opened_for

    return opened_for(path)


class CheckpointService:
    def __init__(
        self,
        settings: CheckpointSettings | None = None,
        *,
        store_for: Callable[[str], Store] | None = None,
        server_root: str | None = None,
        max_workers: int = 2,
    ) -> None:
        self.settings = settings or CheckpointSettings()
        self.store_for = store_for or _default_store_for
        self.server_root = server_root
        self._pool = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="mlm-checkpoint"
        )
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._failures: dict[str, collections.deque[Failure]] = {}
        self._outputs = ChunkCache()
        self._forming: dict[str, Future[None]] = {}  # checkpoint id → its ``_keep_form``
        # (file, author) → content hash of the last checkpoint recorded here: when a save's
        # bytes differ from it, ``if_changed`` need not ask the store
        self._recent: dict[tuple[str, str], str] = {}

    # recording ----------------------------------------------------------------------------
    def locate(self, abs_path: str) -> NotebookRef:
        return locate(abs_path, self.server_root)

    def create(
        self,
        abs_path: str,
        author: Author,
        *,
        data: bytes | None = None,
        message: str | None = None,
        restored_from: str | None = None,
        if_changed: bool = False,
    ) -> CheckpointInfo:
        """Record the file at ``abs_path`` (or ``data``, its content) as a new checkpoint.

        ``if_changed``: when the newest checkpoint of the file by ``author`` holds the same
        bytes, return it instead of recording a copy (a save without edits, or Jupyter's own
        first-save checkpoint followed by JupyterLab's).

        Raises on failure after remembering it (``failures()``) and logging a warning; callers
        on the save path catch it so the save itself succeeds.
        """
        try:
            return self._create(abs_path, author, data, message, restored_from, if_changed)
        except Exception as err:
            self.record_failure(abs_path, err)
            raise

    def record_failure(self, abs_path: str, err: BaseException) -> Failure:
        text = scrub_text(f"{type(err).__name__}: {err}")
        failure = Failure(abs_path, time.time(), text)
        log.warning("jupyter-mlm could not checkpoint %s: %s", abs_path, text)
        with self._lock:
            self._failures.setdefault(
                os.path.normpath(abs_path), collections.deque(maxlen=MAX_FAILURES)
            ).append(failure)
        return failure

    def failures(self, abs_path: str) -> list[Failure]:
        with self._lock:
            return list(self._failures.get(os.path.normpath(abs_path), ()))

    def _create(
        self,
        abs_path: str,
        author: Author,
        data: bytes | None,
        message: str | None,
        restored_from: str | None,
        if_changed: bool = False,
    ) -> CheckpointInfo:
        if message is not None and (not isinstance(message, str) or len(message) > 10_000):
            raise ValueError("a checkpoint message is a text of at most 10,000 characters")
        ref = self.locate(abs_path)
        if data is None:
            with open(abs_path, "rb") as f:
                data = f.read()
        now = time.time()
        store = self.store_for(abs_path)
        content_hash = blake3_hex(data)
        recent_key = (ref.abs_path, author.username[:255])
        if (
            if_changed
            and message is None
            and restored_from is None
            and self._recent.get(recent_key, content_hash) == content_hash
        ):
            newest, _ = store.checkpoints.find(
                repo=ref.repo, path=ref.path, author=author.username[:255], limit=1
            )
            if newest and newest[0].content_hash == content_hash:
                deleted = store.checkpoints.deleted_at(ref.repo, ref.path, author.username[:255])
                if deleted is None or newest[0].created_at > deleted:
                    return newest[0]
        split, kind, shared, declared, note, nb = self._split(abs_path, data)
        store.chunks.put(split.chunks)
        row: dict[str, Any] = {
            "checkpoint_id": uuid.uuid4().hex,
            "repo": ref.repo,
            "path": ref.path,
            "kind": kind,
            "author": author.username[:255],
            "author_name": author.display_name[:255],
            "created_at": now,
            "message": message or None,
            "manifest_id": split.manifest_id,
            "content_hash": content_hash,
            "size": len(data),
            "outputs_shared": shared,
            "omitted_outputs": split.omitted_outputs,
            "git_state": "pending",
            "git_commit": None,
            "git_branch": None,
            "git_dirty": None,
            "git_detail": None,
            "side_ref": None,
            "datasets_state": "pending",
            "datasets_detail": None,
            "error": note,
            "restored_from": restored_from,
        }
        store.checkpoints.insert(row)
        with self._lock:
            if len(self._recent) > MAX_RECENT:
                self._recent.clear()
            self._recent[recent_key] = content_hash
        if nb is not None:
            self._keep_form(ref.abs_path, store, row, split, nb, data)
        self._submit(self._complete, store, ref, row, declared, data)
        return CheckpointInfo(**row)

    def _keep_form(
        self, abs_path: str, store: Store, row: dict[str, Any], split: Split, nb: Any, data: bytes
    ) -> None:
        """Off the save path: when the notebook's bytes are not in Jupyter's form (written by
        another tool), name them in the manifest too, so a restore gives them back. A restore
        of this checkpoint from this process waits for it (``saved_bytes``)."""
        checkpoint_id = row["checkpoint_id"]

        def work() -> None:
            try:
                kept = keep_saved_bytes(split, nb, data, self._outputs)
                if kept is not None:
                    store.chunks.put(kept.chunks)
                    store.checkpoints.update(checkpoint_id, {"manifest_id": kept.manifest_id})
            except Exception as err:  # the checkpoint stands, in Jupyter's form
                self.record_failure(abs_path, err)

        def forget(_: Future[None]) -> None:
            with self._lock:
                self._forming.pop(checkpoint_id, None)

        future = self._submit(work)
        with self._lock:
            self._forming[checkpoint_id] = future
        future.add_done_callback(forget)

    def _split(
        self, abs_path: str, data: bytes
    ) -> tuple[Split, str, bool, list[str], str | None, Any]:
        """(chunks, kind, outputs shared, declared dataset paths, note, the notebook or None)."""
        if not abs_path.endswith(".ipynb"):
            return split_file(data), "file", True, [], None, None
        try:
            nb = json.loads(data)
        except (ValueError, UnicodeDecodeError) as err:
            err = ValueError(f"not a valid notebook ({err})")
            return split_file(data), "file", True, [], f"{err}; kept as a file", None
        try:
            check_notebook(nb)
        except ValueError as err:  # keep the bytes anyway, say why it is not a notebook
            return split_file(data), "file", True, [], f"{err}; kept as a file", None
        split = _split_notebook(nb, self.settings.content, self._outputs)
        mlm_meta = nb.get("metadata", {}).get("mlm", {})
        mlm_meta = mlm_meta if isinstance(mlm_meta, dict) else {}
        shared = mlm_meta.get("share_outputs", True) is not False
        declared = mlm_meta.get("datasets", [])
        if isinstance(declared, str):
            declared = [declared]
        declared = (
            [d for d in declared if isinstance(d, str) and d] if isinstance(declared, list) else []
        )
        return split, "notebook", shared, declared, None, nb

    # background completion ----------------------------------------------------------------
    def _submit(self, fn: Callable[..., None], *args: Any) -> Future[None]:
        future = self._pool.submit(fn, *args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)
        err = future.exception()
        if err is not None:
            log.warning("jupyter-mlm could not complete a checkpoint: %s", err)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for background work; True when none is left."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return True
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            try:
                pending[0].result(timeout=left)
            except FutureTimeout:
                return False
            except Exception:
                pass  # already logged and recorded

    def _complete(
        self, store: Store, ref: NotebookRef, row: dict[str, Any], declared: list[str], data: bytes
    ) -> None:
        completion = Completion(self.settings, self.server_root, store, ref, self._pool_for_hashing)
        completion.run(row, declared, data)

    _hash_pool: ThreadPoolExecutor | None = None

    def _pool_for_hashing(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._hash_pool is None:
                self._hash_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlm-hash")
            return self._hash_pool

    # reading ------------------------------------------------------------------------------
    def list_times(
        self, abs_path: str, *, limit: int = 100, viewer: str | None = None
    ) -> list[tuple[str, float]]:
        """``(checkpoint_id, created_at)`` of the file's newest checkpoints, newest first: one
        light query (Jupyter lists a notebook's checkpoints on every save). With ``viewer``, only
        those made since the viewer last deleted the file: a new file at a deleted one's path
        starts a list of its own (the older history stays, in ``list``)."""
        ref = self.locate(abs_path)
        viewer = None if viewer is None else viewer[:255]
        return self.store_for(abs_path).checkpoints.times(ref.repo, ref.path, limit, viewer)

    def mark_deleted(self, abs_path: str, author: Author) -> None:
        """``author`` deleted the file or folder at ``abs_path``: its history is kept, and a new
        file there gets a first checkpoint and a list of its own."""
        ref = self.locate(abs_path)
        self.store_for(abs_path).checkpoints.mark_deleted(
            ref.repo, ref.path, author.username[:255], time.time()
        )
        prefix = ref.abs_path.rstrip(os.sep) + os.sep
        with self._lock:
            for key in [k for k in self._recent if k[0] == ref.abs_path or k[0].startswith(prefix)]:
                del self._recent[key]

    def list(
        self, abs_path: str, *, limit: int = 100, offset: int = 0, newest_first: bool = True
    ) -> tuple[list[CheckpointInfo], int]:
        ref = self.locate(abs_path)
        return self.store_for(abs_path).checkpoints.find(
            repo=ref.repo, path=ref.path, limit=limit, offset=offset, newest_first=newest_first
        )

    def get(self, store: Store, checkpoint_id: str) -> CheckpointInfo:
        return store.checkpoints.get(checkpoint_id)

    def notebook(self, store: Store, info: CheckpointInfo, viewer: str | None) -> dict:
        """The notebook a checkpoint holds; outputs left out when their author does not share
        them and ``viewer`` is someone else."""
        if info.manifest_id is None:
            raise NotFoundError(f"checkpoint {info.checkpoint_id} holds no content: {info.error}")
        manifest = manifest_of(info.manifest_id, store.chunks.get)
        outputs = info.outputs_shared or viewer == info.author
        return join_notebook(manifest, store.chunks.get, outputs=outputs)

    def saved_bytes(self, store: Store, info: CheckpointInfo, viewer: str | None) -> bytes:
        """The file a checkpoint holds, byte for byte as saved (what a restore writes); a
        notebook whose author does not share outputs, seen by someone else, without them."""
        if info.kind == "notebook":  # its saved bytes may have been named since ``info`` was read
            with self._lock:
                forming = self._forming.get(info.checkpoint_id)
            if forming is not None:
                forming.result(timeout=60)
            info = store.checkpoints.get(info.checkpoint_id)
        if info.manifest_id is None:
            raise NotFoundError(f"checkpoint {info.checkpoint_id} holds no content: {info.error}")
        manifest = manifest_of(info.manifest_id, store.chunks.get)
        outputs = info.outputs_shared or viewer == info.author
        return join_bytes(manifest, store.chunks.get, outputs=outputs)

    def file_bytes(self, store: Store, info: CheckpointInfo) -> bytes:
        if info.manifest_id is None:
            raise NotFoundError(f"checkpoint {info.checkpoint_id} holds no content: {info.error}")
        return join_file(manifest_of(info.manifest_id, store.chunks.get), store.chunks.get)

    # changes ------------------------------------------------------------------------------
    def delete(self, store: Store, checkpoint_id: str, author: Author) -> None:
        info = store.checkpoints.get(checkpoint_id)
        if info.author != author.username:
            raise PermissionError(
                f"checkpoint {checkpoint_id} belongs to {info.author_name}; only its author can "
                "delete it"
            )
        store.checkpoints.delete(checkpoint_id)

    def rename(self, old_abs: str, new_abs: str) -> int:
        """Carry the history of ``old_abs`` (files under it, for a folder) to ``new_abs``."""
        old, new = self.locate(old_abs), self.locate(new_abs)
        store = self.store_for(new_abs)
        return store.checkpoints.move(old.repo, old.path, new.repo, new.path)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._hash_pool is not None:
            self._hash_pool.shutdown(wait=False, cancel_futures=True)


_default_service: CheckpointService | None = None
_default_lock = threading.Lock()


def default_service() -> CheckpointService:
    """The process-wide service with default settings (``%mlm_track checkpoint`` uses it)."""
    global _default_service
    with _default_lock:
        if _default_service is None:
            _default_service = CheckpointService()
        return _default_service


__all__ = ["CheckpointService", "CheckpointSettings", "Failure", "default_service"]
