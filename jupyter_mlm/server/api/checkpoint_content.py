"""A checkpoint's content as the viewer may see it (a teammate's unshared outputs left out), as
JSON for the API and as the file model a restore or a fork writes."""

from __future__ import annotations

import base64
from typing import Any

from ...checkpoints import CheckpointService
from ...core.entities import CheckpointInfo
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
    return bytes_model(service.file_bytes(store, info))


def restore_model(
    service: CheckpointService, store: Store, info: CheckpointInfo, viewer: str
) -> dict[str, Any]:
    """The contents model a restore or a fork saves: the checkpoint's bytes as a *file*, also for
    a notebook, so the contents manager writes them as they were and never signs them (a
    notebook's trust comes from the user's own signature database, as after Jupyter's own
    restore, which copies the file). Blocking (store)."""
    return bytes_model(service.saved_bytes(store, info, viewer))


def bytes_model(data: bytes) -> dict[str, Any]:
    """A file model of ``data``: text when it is UTF-8 (a BOM kept), else base64."""
    try:
        return {"type": "file", "format": "text", "content": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"type": "file", "format": "base64", "content": base64.b64encode(data).decode()}
