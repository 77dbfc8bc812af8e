"""Jupyter's checkpoints replaced by jupyter-mlm's history, for notebooks and plain files, sync
and async contents managers alike.

Every checkpoint is kept (content-addressed, with its git state, runs and datasets); the list is
oldest first, as JupyterLab's "Revert to Checkpoint" expects (it reverses the list and preselects
the first entry, so the newest is the default); deleting a file keeps its history and renaming
carries it. A save never fails because of us: recording errors are logged and remembered
(``CheckpointService.failures``) and a checkpoint model is returned anyway.

Jupyter's checkpoints API gets no request, so ``wrap_contents_handlers`` makes the contents and
checkpoint handlers put the request's author in ``identity.current_author`` first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import uuid
from typing import Any

from jupyter_server.base.call_context import CallContext
from jupyter_server.base.handlers import APIHandler
from jupyter_server.services.contents.checkpoints import AsyncCheckpoints, Checkpoints
from jupyter_server.services.contents.manager import AsyncContentsManager
from tornado.web import HTTPError
from traitlets import Instance, default

from ..checkpoints import Author, CheckpointService, author_for, default_service
from ..core.entities import CheckpointInfo
from ..core.errors import NotFoundError
from ..store.base import Store
from .api.checkpoint_content import restore_model
from .identity import current_author, handler_author
from .paths import os_path

log = logging.getLogger("jupyter_mlm.server")

#: Jupyter's list holds this many of a file's newest checkpoints (the REST API pages further).
LIST_LIMIT = 200

_installed: CheckpointService | None = None


class _HistoryBase(Checkpoints):
    """The checkpoint operations, synchronous; the sync and async classes below call them."""

    service = Instance(CheckpointService)

    @default("service")
    def _default_service(self) -> CheckpointService:
        return _installed or default_service()

    # recording ----------------------------------------------------------------------------
    def _record(self, contents_mgr: Any, path: str) -> dict[str, Any]:
        """Checkpoint the saved file. A missing file or a folder is the caller's error (404,
        400); otherwise this never raises: a failed checkpoint must not fail a save."""
        abs_path = _abs(contents_mgr, path)
        if os.path.isdir(abs_path):
            raise HTTPError(400, f"{path.strip('/')!r} is a folder: only files have checkpoints")
        if not os.path.isfile(abs_path):
            raise HTTPError(404, f"there is no file {path.strip('/')!r} to checkpoint")
        try:
            with open(abs_path, "rb") as f:
                data = f.read()
            author = _author(abs_path)
        except Exception as err:
            self.service.record_failure(abs_path, err)
            return _failed_model()
        try:
            info = self.service.create(abs_path, author, data=data, if_changed=True)
        except Exception:  # already logged and remembered by the service
            return _failed_model()
        return _model(info)

    def _list(self, path: str) -> list[dict[str, Any]]:
        try:
            abs_path = _abs(self.parent, path)
            viewer = _author(abs_path).username
            found = self.service.list_times(abs_path, limit=LIST_LIMIT, viewer=viewer)
        except Exception as err:  # an unreadable store must not fail the save that lists
            log.warning("jupyter-mlm could not list the checkpoints of %s: %s", path, err)
            return []
        return [
            {"id": cid, "last_modified": dt.datetime.fromtimestamp(t, tz=dt.timezone.utc)}
            for cid, t in reversed(found)
        ]

    # restore ------------------------------------------------------------------------------
    def _before_restore(self, contents_mgr: Any, checkpoint_id: str, path: str) -> dict[str, Any]:
        """Checkpoint the current file (so the restore can be undone), then return the file
        model of ``checkpoint_id``'s bytes for the contents manager to save: written as they
        were saved, never signed (see ``restore_model``)."""
        abs_path = _abs(contents_mgr, path)
        author = _author(abs_path)
        store, info = self._checkpoint_of(abs_path, checkpoint_id, path)
        if os.path.isfile(abs_path):
            try:
                self.service.create(
                    abs_path,
                    author,
                    message=f"before restoring {checkpoint_id}",
                    restored_from=checkpoint_id,
                )
            except Exception as err:
                raise HTTPError(
                    500,
                    f"could not checkpoint {path} before restoring it, so nothing was changed: "
                    f"{err}",
                ) from err
        return restore_model(self.service, store, info, author.username)

    # changes ------------------------------------------------------------------------------
    def _delete(self, checkpoint_id: str, path: str) -> None:
        """Delete one checkpoint: only its author may (403 otherwise)."""
        abs_path = _abs(self.parent, path)
        store, _ = self._checkpoint_of(abs_path, checkpoint_id, path)
        try:
            self.service.delete(store, checkpoint_id, _author(abs_path))
        except PermissionError as err:
            raise HTTPError(403, str(err)) from err
        except NotFoundError as err:
            raise HTTPError(404, f"no checkpoint {checkpoint_id} of {path}") from err

    def _rename_all(self, old_path: str, new_path: str) -> None:
        """Carry the history to the new path (everything under it, for a folder). The file is
        already renamed, so a failure is logged, not raised; the history stays under the old
        path."""
        try:
            moved = self.service.rename(_abs(self.parent, old_path), _abs(self.parent, new_path))
        except Exception as err:
            log.warning(
                "jupyter-mlm could not carry the history of %s to %s: %s", old_path, new_path, err
            )
            return
        log.debug("jupyter-mlm: %d checkpoint(s) moved from %s to %s", moved, old_path, new_path)

    def _rename_one(self, checkpoint_id: str, old_path: str, new_path: str) -> None:
        """A history moves as a whole: renaming one of its checkpoints carries all of them
        (a no-op once they are under ``new_path``)."""
        old_abs, new_abs = _abs(self.parent, old_path), _abs(self.parent, new_path)
        store = self.service.store_for(old_abs)
        try:
            info = store.checkpoints.get(checkpoint_id)
        except (NotFoundError, ValueError) as err:
            raise HTTPError(404, f"no checkpoint {checkpoint_id} of {old_path}") from err
        if _is_of(self.service, info, new_abs):
            return
        if not _is_of(self.service, info, old_abs):
            raise HTTPError(404, f"no checkpoint {checkpoint_id} of {old_path}")
        self._rename_all(old_path, new_path)

    def _checkpoint_of(
        self, abs_path: str, checkpoint_id: str, path: str
    ) -> tuple[Store, CheckpointInfo]:
        store = self.service.store_for(abs_path)
        try:
            info = store.checkpoints.get(checkpoint_id)
        except (NotFoundError, ValueError) as err:
            raise HTTPError(404, f"no checkpoint {checkpoint_id} of {path}") from err
        if not _is_of(self.service, info, abs_path):
            raise HTTPError(404, f"no checkpoint {checkpoint_id} of {path}")
        return store, info

    def _keep_history(self, path: str) -> None:
        """The file (or folder) is deleted: its history stays, and a new file at its path starts
        a checkpoint list of its own (a failure to record that is logged)."""
        try:
            abs_path = _abs(self.parent, path)
            self.service.mark_deleted(abs_path, _author(abs_path))
        except Exception as err:
            log.warning("jupyter-mlm could not record the deletion of %s: %s", path, err)
            return
        log.debug("jupyter-mlm: %s deleted; its checkpoint history is kept", path)


class HistoryCheckpoints(_HistoryBase):
    """jupyter-mlm's history as a synchronous contents manager's checkpoints."""

    def create_checkpoint(self, contents_mgr: Any, path: str) -> dict[str, Any]:
        return self._record(contents_mgr, path)

    def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        return self._list(path)

    def restore_checkpoint(self, contents_mgr: Any, checkpoint_id: str, path: str) -> None:
        contents_mgr.save(self._before_restore(contents_mgr, checkpoint_id, path), path)

    def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        self._delete(checkpoint_id, path)

    def rename_checkpoint(self, checkpoint_id: str, old_path: str, new_path: str) -> None:
        self._rename_one(checkpoint_id, old_path, new_path)

    def rename_all_checkpoints(self, old_path: str, new_path: str) -> None:
        self._rename_all(old_path, new_path)

    def delete_all_checkpoints(self, path: str) -> None:
        self._keep_history(path)


class AsyncHistoryCheckpoints(_HistoryBase, AsyncCheckpoints):
    """jupyter-mlm's history as an async contents manager's checkpoints; the work runs on a
    thread (``asyncio.to_thread`` carries the request's author along)."""

    async def create_checkpoint(self, contents_mgr: Any, path: str) -> dict[str, Any]:
        return await asyncio.to_thread(self._record, contents_mgr, path)

    async def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._list, path)

    async def restore_checkpoint(self, contents_mgr: Any, checkpoint_id: str, path: str) -> None:
        model = await asyncio.to_thread(self._before_restore, contents_mgr, checkpoint_id, path)
        await contents_mgr.save(model, path)

    async def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        await asyncio.to_thread(self._delete, checkpoint_id, path)

    async def rename_checkpoint(self, checkpoint_id: str, old_path: str, new_path: str) -> None:
        await asyncio.to_thread(self._rename_one, checkpoint_id, old_path, new_path)

    async def rename_all_checkpoints(self, old_path: str, new_path: str) -> None:
        await asyncio.to_thread(self._rename_all, old_path, new_path)

    async def delete_all_checkpoints(self, path: str) -> None:
        await asyncio.to_thread(self._keep_history, path)


def install_checkpoints(contents_manager: Any, service: CheckpointService) -> bool:
    """Make ``service`` the contents manager's checkpoints (whether or not Jupyter's default
    was created already) and the default of contents managers created later. A contents
    manager with no folder on disk keeps its own checkpoints (False)."""
    global _installed
    if not callable(getattr(contents_manager, "_get_os_path", None)):
        log.warning(
            "jupyter-mlm: %s keeps no files on disk; its own checkpoints are left in place",
            type(contents_manager).__name__,
        )
        return False
    _installed = service
    cls: type[Checkpoints] = (
        AsyncHistoryCheckpoints
        if isinstance(contents_manager, AsyncContentsManager)
        else HistoryCheckpoints
    )
    contents_manager.checkpoints_class = cls
    contents_manager.checkpoints = cls(parent=contents_manager, log=contents_manager.log,
                                       service=service)  # fmt: skip
    return True


class _AuthorFromRequest(APIHandler):
    """Puts the request's author in ``current_author`` for the checkpoint calls that follow
    (a save's first checkpoint, a restore, a delete, a rename). Each request runs in its own
    task, so the value never outlives the request."""

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        await super().prepare(*args, **kwargs)
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and self.current_user:
            current_author.set(handler_author(self))


_wrapped: dict[type, type] = {}


def wrap_contents_handlers(web_app: Any) -> int:
    """Replace jupyter_server's contents and checkpoint handlers in ``web_app``'s routing
    (nested routers included) with subclasses that set the author; returns how many rules
    changed. Handlers added later cannot override core routes, hence the rewrite."""
    from jupyter_server.services.contents.handlers import (
        CheckpointsHandler,
        ContentsHandler,
        ModifyCheckpointsHandler,
    )

    targets = (CheckpointsHandler, ModifyCheckpointsHandler, ContentsHandler)
    seen: set[int] = set()
    changed = 0

    def walk(router: Any) -> None:
        nonlocal changed
        if id(router) in seen:
            return
        seen.add(id(router))
        for rule in getattr(router, "rules", ()):
            target = rule.target
            if isinstance(target, type):
                if issubclass(target, targets) and not issubclass(target, _AuthorFromRequest):
                    rule.target = _authored(target)
                    changed += 1
            elif hasattr(target, "rules"):
                walk(target)

    walk(web_app.default_router)
    walk(web_app.wildcard_router)
    return changed


def _authored(handler: type) -> type:
    if handler not in _wrapped:
        _wrapped[handler] = type(
            handler.__name__,
            (_AuthorFromRequest, handler),
            {"__module__": __name__, "__doc__": handler.__doc__},
        )
    return _wrapped[handler]


def _abs(contents_manager: Any, path: str) -> str:
    """The file behind a contents path as Jupyter passes it (``/a.ipynb`` from the handlers)."""
    return os_path(contents_manager, path.strip("/"))


def _author(abs_path: str) -> Author:
    """The author of the request being served (set by the wrapped handlers, else found from
    jupyter_server's current handler), else git's or the OS user for the file's folder."""
    found = current_author.get()
    if found is not None:
        return found
    handler = CallContext.get(CallContext.JUPYTER_HANDLER)
    if handler is not None and getattr(handler, "_jupyter_current_user", None):
        return handler_author(handler)
    return author_for(os.path.dirname(abs_path))


def _is_of(service: CheckpointService, info: CheckpointInfo, abs_path: str) -> bool:
    ref = service.locate(abs_path)
    return (info.repo, info.path) == (ref.repo, ref.path)


def _model(info: CheckpointInfo) -> dict[str, Any]:
    return {"id": info.checkpoint_id, "last_modified": info.last_modified}


def _failed_model() -> dict[str, Any]:
    """What a save gets when recording failed: a checkpoint model (the save succeeds), under an
    id that names no checkpoint."""
    return {"id": f"failed-{uuid.uuid4().hex}", "last_modified": dt.datetime.now(dt.timezone.utc)}
