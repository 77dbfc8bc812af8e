"""A checkpoint's content as the viewer may see it (a teammate's unshared outputs left out), as
JSON for the API and as a contents model for Jupyter's contents manager."""

from __future__ import annotations

import base64
from typing import Any

from ...checkpoints import CheckpointService
from ...entities import CheckpointInfo
from ...store.base import Store


def outputs_hidden(info: CheckpointInfo, viewer: str) -> bool:
    return info.kind == "notebook" and not info.outputs_shared and viewer != info.author


def contents_model(
    service: CheckpointService, store: Store, info: CheckpointInfo, viewer: str
) -> dict[str, Any]:
    """``{"type", "format", "content"}``: a notebook (json), or a file as text when it is UTF-8,
    else base64. Blocking (store)."""
    if info.kind == "notebook":
        nb = service.notebook(store, info, viewer)
        return {"type": "notebook", "format": "json", "content": nb}
    data = service.file_bytes(store, info)
    try:
        return {"type": "file", "format": "text", "content": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"type": "file", "format": "base64", "content": base64.b64encode(data).decode()}
