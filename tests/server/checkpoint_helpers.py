"""Saving notebooks and files the way JupyterLab does (PUT the content, then POST a checkpoint)
and reading checkpoints back through Jupyter's API."""

from __future__ import annotations

import json
from typing import Any

from tests.gitrepo import git  # noqa: F401 - the tests import it from here


def notebook(
    *sources: str, outputs: list[dict] | None = None, metadata: dict | None = None
) -> dict:
    """An nbformat 4 notebook with one code cell per source; ``outputs`` go to the last cell."""
    cells = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
         "source": src, "outputs": []}
        for i, src in enumerate(sources)
    ]  # fmt: skip
    if outputs is not None and cells:
        cells[-1]["outputs"] = outputs
        cells[-1]["execution_count"] = 1
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}, **(metadata or {})},
        "cells": cells,
    }  # fmt: skip


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


async def put(fetch: Any, path: str, model: dict) -> Any:
    return await fetch("api", "contents", path, method="PUT", body=json.dumps(model))


async def save_notebook(fetch: Any, path: str, nb: dict) -> dict:
    """Ctrl+S in JupyterLab: save, then create a checkpoint; returns the checkpoint model."""
    saved = await put(fetch, path, {"type": "notebook", "format": "json", "content": nb})
    assert saved.code in (200, 201)
    return await checkpoint(fetch, path)


async def save_file(fetch: Any, path: str, text: str) -> dict:
    saved = await put(fetch, path, {"type": "file", "format": "text", "content": text})
    assert saved.code in (200, 201)
    return await checkpoint(fetch, path)


async def checkpoint(fetch: Any, path: str) -> dict:
    made = await fetch("api", "contents", path, "checkpoints", method="POST", body="")
    assert made.code == 201
    return json.loads(made.body)


async def listed(fetch: Any, path: str) -> list[dict]:
    """Jupyter's checkpoint list of ``path``."""
    return json.loads((await fetch("api", "contents", path, "checkpoints")).body)


async def content(fetch: Any, path: str) -> Any:
    return json.loads((await fetch("api", "contents", path)).body)["content"]


def sources(nb: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]]  # fmt: skip
