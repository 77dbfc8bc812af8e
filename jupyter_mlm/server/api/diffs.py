"""The cell-level diff of a checkpoint against another one or against the current file."""

from __future__ import annotations

from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from tornado import web

from ...checkpoints.diffing import diff_notebooks
from ...entities import CheckpointInfo
from . import inputs
from .checkpoint_content import outputs_hidden
from .checkpoints import CheckpointsBase


class DiffHandler(CheckpointsBase):
    @web.authenticated
    @authorized
    async def get(self, checkpoint_id: str) -> None:
        inputs.hex_id(checkpoint_id, "checkpoint")
        against = inputs.text(self.get_query_argument("against", None), "against", 64)
        if against is None:
            raise ValueError("against is required: 'current' or another checkpoint's id")
        if against != "current":
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
