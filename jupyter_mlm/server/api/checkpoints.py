"""Checkpoints: of a notebook (every author) or of one author, made now, one by id, its
content, and deleting one's own."""

from __future__ import annotations

from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.entities import CheckpointInfo
from ...core.errors import ConflictError
from ...store.base import Store
from ..paths import check_contents_path
from . import inputs
from .base import MlmHandler
from .checkpoint_content import contents_model, outputs_hidden
from .notebook_paths import contents_path_of, require_notebook_of


class CheckpointsBase(MlmHandler):
    """Finding a checkpoint and the file on this server it belongs to."""

    def find(self, checkpoint_id: str, abs_path: str | None = None) -> tuple[Store, CheckpointInfo]:
        """The store (of ``abs_path``'s notebook, else of the server root) and the checkpoint.
        Blocking."""
        inputs.hex_id(checkpoint_id, "checkpoint")
        store = self.store_at(abs_path)
        return store, store.checkpoints.get(checkpoint_id)

    def on_server(self, info: CheckpointInfo, given: str | None) -> tuple[str, str]:
        """(contents path, file) of the checkpoint's notebook here: ``given`` when it is that
        notebook (ConflictError otherwise), else found from the checkpoint. Blocking."""
        if given is not None:
            abs_path = self.abs_path(given)
            require_notebook_of(self.service, info, abs_path, given)
            return check_contents_path(given), abs_path
        found = contents_path_of(self.service, self.server_root, info)
        if found is None:
            where = f" of repository {info.repo}" if info.repo else ""
            raise ConflictError(
                f"the notebook of checkpoint {info.checkpoint_id} ({info.path!r}{where}) is not "
                "under this server's root; pass its path"
            )
        return found, self.abs_path(found)

    def described(self, info: CheckpointInfo) -> dict[str, Any]:
        """The API's checkpoint, with ``contents_path``: where its notebook is on this server
        (null when it is not under the server root). Blocking (git)."""
        here = contents_path_of(self.service, self.server_root, info)
        return {**info.to_dict(), "contents_path": here}


class CheckpointsHandler(CheckpointsBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        path = self.arg("path", inputs.MAX_PATH)
        author = self.arg("author", 255)
        if path is None and author is None:
            raise ValueError("pass path (a notebook's checkpoints) or author (a user's, or 'me')")
        abs_path = None if path is None else self.abs_path(path)
        limit, offset = self.page_args()
        if author == "me":
            author = (await self.author()).username

        def work() -> dict[str, Any]:
            store = self.store_at(abs_path)
            repo, where = (None, None) if abs_path is None else self.notebook_ref(abs_path)
            infos, total = store.checkpoints.find(
                repo=repo, path=where, author=author, limit=limit, offset=offset
            )
            places: dict[tuple[str, str], str | None] = {}
            listed = []
            for info in infos:
                key = (info.repo, info.path)
                if key not in places:
                    places[key] = contents_path_of(self.service, self.server_root, info)
                listed.append({**info.to_dict(), "contents_path": places[key]})
            failures = [] if abs_path is None else self.service.failures(abs_path)
            return {
                "checkpoints": listed,
                "total": total,
                "next_offset": inputs.next_offset(offset, len(infos), total),
                "failures": [{**f.to_dict(), "path": path} for f in failures],
            }

        self.reply(await self.blocking(work))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(["path", "message"])
        path = check_contents_path(inputs.required(body.get("path"), "path", inputs.MAX_PATH))
        message = inputs.text(body.get("message"), "message", inputs.MAX_TEXT)
        abs_path = self.abs_path(path)
        model = await ensure_async(self.contents_manager.get(path, content=False))
        if model["type"] == "directory":
            raise ValueError(f"{path!r} is a folder; checkpoints are of notebooks and files")
        author = await self.author()

        def work() -> dict[str, Any]:
            return self.described(self.service.create(abs_path, author, message=message))

        self.reply(await self.blocking(work), status=201)


class CheckpointHandler(CheckpointsBase):
    @web.authenticated
    @authorized
    async def get(self, checkpoint_id: str) -> None:
        abs_path = self.notebook_arg("path")

        def work() -> dict[str, Any]:
            return self.described(self.find(checkpoint_id, abs_path)[1])

        self.reply(await self.blocking(work))

    @web.authenticated
    @authorized
    async def delete(self, checkpoint_id: str) -> None:
        abs_path = self.notebook_arg("path")
        author = await self.author()

        def work() -> None:
            store, _ = self.find(checkpoint_id, abs_path)
            self.service.delete(store, checkpoint_id, author)

        await self.blocking(work)
        self.set_status(204)
        self.finish()


class CheckpointContentHandler(CheckpointsBase):
    @web.authenticated
    @authorized
    async def get(self, checkpoint_id: str) -> None:
        abs_path = self.notebook_arg("path")
        viewer = (await self.author()).username

        def work() -> dict[str, Any]:
            store, info = self.find(checkpoint_id, abs_path)
            model = contents_model(self.service, store, info, viewer)
            return {
                "checkpoint_id": info.checkpoint_id,
                "path": info.path,
                "kind": info.kind,
                "format": model["format"],
                "content": model["content"],
                "outputs_hidden": outputs_hidden(info, viewer),
            }

        self.reply(await self.blocking(work))
