"""The cell-level diff of a checkpoint against another one or against the current file."""

from __future__ import annotations

import json
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from tornado import web

from ...checkpoints.diffing import diff_notebooks
from ...checkpoints.gitstate import file_at_commit
from ...core.entities import CheckpointInfo
from ...core.errors import ConflictError, NotFoundError
from . import inputs
from .checkpoint_content import outputs_hidden
from .checkpoints import CheckpointsBase

EMPTY_NOTEBOOK: dict[str, Any] = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}


class DiffHandler(CheckpointsBase):
    @web.authenticated
    @authorized
    async def get(self, checkpoint_id: str) -> None:
        inputs.hex_id(checkpoint_id, "checkpoint")
        against = inputs.text(self.get_query_argument("against", None), "against", 64)
        if against is None:
            raise ValueError("against is required: 'current' or another checkpoint's id")
        if against not in ("current", "commit"):
            inputs.hex_id(against, "checkpoint")
        path = self.arg("path", inputs.MAX_PATH)
        path_abs = None if path is None else self.abs_path(path)
        viewer = (await self.author()).username

        def load(ckpt_id: str) -> tuple[CheckpointInfo, dict]:
            store, info = self.find(ckpt_id, path_abs)
            if info.kind != "notebook":
                raise ValueError(f"checkpoint {ckpt_id} is of a plain file; diffs are of notebooks")
            return info, self.service.notebook(store, info, viewer)

        info, base = await self.blocking(load, checkpoint_id)
        hidden = outputs_hidden(info, viewer)
        if against == "commit":  # what the checkpoint changed since its git commit
            at_commit = await self.blocking(self.at_commit, info, path)
            found = await self.blocking(diff_notebooks, at_commit, base)
            self.reply(
                {"base": "commit", "remote": checkpoint_id, "commit": info.git_commit, **found,
                 "base_missing": at_commit == EMPTY_NOTEBOOK, "outputs_hidden": hidden}
            )  # fmt: skip
            return
        if against == "current":
            current = path
            if current is None:
                current = (await self.blocking(self.on_server, info, None))[0]
            model = await ensure_async(
                self.contents_manager.get(current, content=True, type="notebook")
            )
            remote: Any = model["content"]
        else:
            other, remote = await self.blocking(load, against)
            hidden = hidden or outputs_hidden(other, viewer)
        found = await self.blocking(diff_notebooks, base, remote)
        self.reply({"base": checkpoint_id, "remote": against, **found, "outputs_hidden": hidden})

    def at_commit(self, info: CheckpointInfo, given: str | None) -> dict:
        """The checkpoint's notebook as its git commit has it, read from git in this server's
        clone (an empty notebook when the commit does not hold it). Blocking."""
        if info.git_commit is None:
            raise ConflictError(
                f"checkpoint {info.checkpoint_id} has no git commit (git state: {info.git_state}"
                + (f", {info.git_detail}" if info.git_detail else "")
                + ")"
            )
        _, abs_path = self.on_server(info, given)
        ref = self.service.locate(abs_path)
        if ref.root is None:
            raise ConflictError(f"{info.path!r} is not in a git repository on this server")
        try:
            data = file_at_commit(ref.root, info.git_commit, info.path)
        except LookupError as err:
            raise NotFoundError(str(err)) from err
        if data is None:
            return EMPTY_NOTEBOOK
        try:
            return json.loads(data)
        except ValueError as err:
            raise ConflictError(
                f"{info.path!r} at {info.git_commit[:12]} is not valid JSON"
            ) from err
