"""Restoring a checkpoint onto its notebook (the current file checkpointed first, so the restore
can be undone) and forking one into a new notebook next to the original."""

from __future__ import annotations

import os
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from tornado import web

from ...checkpoints import Author, CheckpointService
from ...core.entities import CheckpointInfo
from ...core.errors import ConflictError, NotFoundError
from ...core.hashing import blake3_hex
from ..paths import check_contents_path
from . import inputs
from .checkpoint_content import restore_model
from .checkpoints import CheckpointsBase
from .notebook_paths import contents_path_of, fork_path, is_notebook_of


class RestoreHandler(CheckpointsBase):
    @web.authenticated
    @authorized
    async def post(self, checkpoint_id: str) -> None:
        inputs.hex_id(checkpoint_id, "checkpoint")
        given = inputs.text(self.body(["path"]).get("path"), "path", inputs.MAX_PATH)
        given_abs = None if given is None else self.abs_path(given)
        author = await self.author()

        def prepare() -> tuple[str, dict[str, Any], dict[str, Any] | None]:
            store, info = self.find(checkpoint_id, given_abs)
            path, abs_path = self.on_server(info, given)
            if os.path.isdir(abs_path):
                raise ConflictError(f"{path!r} is a folder now; nothing was restored")
            model = restore_model(self.service, store, info, author.username)
            undo = None
            if os.path.isfile(abs_path):
                undo = self.service.create(
                    abs_path,
                    author,
                    message=f"before restoring {checkpoint_id}",
                    restored_from=checkpoint_id,
                )
            return path, model, None if undo is None else self.described(undo)

        path, model, undo = await self.blocking(prepare)
        await ensure_async(self.contents_manager.save(model, path))
        self.reply({"path": path, "restored": checkpoint_id, "undo_checkpoint": undo})


class ForkHandler(CheckpointsBase):
    """Body ``{"path"?, "new_path"?}``: ``path`` is the new notebook, or (when it is the
    checkpoint's own notebook) the original to fork next to; ``new_path`` the new notebook."""

    @web.authenticated
    @authorized
    async def post(self, checkpoint_id: str) -> None:
        inputs.hex_id(checkpoint_id, "checkpoint")
        body = self.body(["path", "new_path"])
        given = inputs.text(body.get("path"), "path", inputs.MAX_PATH)
        new_path = inputs.text(body.get("new_path"), "new_path", inputs.MAX_PATH)
        given_abs = None if given is None else self.abs_path(given)
        author = await self.author()

        def prepare() -> tuple[str, str, dict[str, Any]]:
            store, info = self.find(checkpoint_id, given_abs)
            original, target = None, new_path
            if given is not None and given_abs is not None:
                if is_notebook_of(self.service, info, given_abs):
                    original = check_contents_path(given)
                elif target is None:
                    target = given
                else:
                    self.on_server(info, given)  # raises: not the checkpoint's notebook
            if target is None:
                original = original or contents_path_of(self.service, self.server_root, info)
                if original is None:
                    raise ConflictError(
                        f"the notebook of checkpoint {checkpoint_id} is not under this server's "
                        "root; pass path: where to write the fork"
                    )
                target = fork_path(
                    original, checkpoint_id, lambda p: os.path.lexists(self.abs_path(p))
                )
            target = check_contents_path(target)
            target_abs = self.abs_path(target)
            if os.path.lexists(target_abs):
                raise ConflictError(f"{target!r} already exists; choose another path")
            if not os.path.isdir(os.path.dirname(target_abs)):
                raise NotFoundError(f"there is no folder {os.path.dirname(target)!r}")
            if info.kind == "notebook" and not target.endswith(".ipynb"):
                raise ValueError(f"a notebook's fork needs a path ending in .ipynb: {target!r}")
            return target, target_abs, restore_model(self.service, store, info, author.username)

        target, target_abs, model = await self.blocking(prepare)
        await ensure_async(self.contents_manager.save(model, target))

        def record() -> dict[str, Any]:
            message = f"forked from {checkpoint_id} by {author.display_name}"
            return self.described(labelled_checkpoint(self.service, target_abs, author, message))

        self.reply({"path": target, "checkpoint": await self.blocking(record)}, status=201)


def labelled_checkpoint(
    service: CheckpointService, abs_path: str, author: Author, message: str
) -> CheckpointInfo:
    """A checkpoint of the file as it is, with ``message``: Jupyter checkpoints a notebook on
    its first save, so that checkpoint gets the message when it holds these bytes and has none;
    otherwise a new one is made. Blocking."""
    with open(abs_path, "rb") as f:
        data = f.read()
    infos, _ = service.list(abs_path, limit=1)
    newest = infos[0] if infos else None
    if (
        newest is not None
        and newest.author == author.username
        and newest.message is None
        and newest.content_hash == blake3_hex(data)
    ):
        store = service.store_for(abs_path)
        store.checkpoints.update(newest.checkpoint_id, {"message": message})
        return store.checkpoints.get(newest.checkpoint_id)
    return service.create(abs_path, author, data=data, message=message)
