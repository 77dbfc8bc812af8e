"""The checkpoint service on its own: content recorded at once and git state later, a hundred
checkpoints costing little more than one copy, unchanged saves not duplicated, long notebooks
in blocks, and ``mlm gc`` / ``mlm checkpoints`` over checkpoint content."""

from __future__ import annotations

import dataclasses
import json
import threading
import time

from jupyter_mlm.checkpoints import completion as completion_mod
from jupyter_mlm.checkpoints import default_service
from jupyter_mlm.checkpoints.content import (
    BLOCK_CELLS,
    INLINE_CELLS,
    ChunkCache,
    canonical,
    join_notebook,
    manifest_of,
    named_chunks,
    split_notebook,
)

from .helpers import ADA, BOB, as_saved, notebook, saved


def _row_bytes(infos) -> int:
    """The checkpoint rows' bytes, counted as the length of every stored column value."""
    skip = {"runs", "datasets", "comment_count"}
    return sum(
        len(str(getattr(info, f.name)).encode())
        for info in infos
        for f in dataclasses.fields(info)
        if f.name not in skip and getattr(info, f.name) is not None
    )


def test_a_hundred_checkpoints_with_one_small_edit_each_cost_little_more_than_one_copy(
    service, store, tmp_path
):
    path = str(tmp_path / "nb.ipynb")
    for i in range(100):
        data = saved(notebook(30, edit=i, images=4))
        service.create(path, ADA, data=data)
    assert service.wait(60)
    infos, total = service.list(path, limit=1000)
    assert total == 100
    one_copy = len(data)
    stored = store.chunks.total_bytes() + _row_bytes(infos)
    assert stored <= 1.5 * one_copy, (stored, one_copy)
    latest = service.notebook(store, infos[0], ADA.username)
    assert latest == json.loads(data)  # and every one of them is still whole


def test_content_is_recorded_at_once_and_the_git_state_later(service, store, tmp_path,
                                                              monkeypatch):  # fmt: skip
    release = threading.Event()

    def slow_git_state(folder, *, timeout):
        release.wait(30)
        return {"state": "ok", "commit": "c" * 40, "branch": "main", "dirty": False,
                "detail": None}  # fmt: skip

    monkeypatch.setattr(completion_mod, "git_state", slow_git_state)
    nb = tmp_path / "nb.ipynb"
    nb.write_bytes(saved(notebook(2)))
    started = time.monotonic()
    info = service.create(str(nb), ADA)
    assert time.monotonic() - started < 5
    assert store.checkpoints.get(info.checkpoint_id).git_state == "pending"
    assert service.notebook(store, info, ADA.username) == as_saved(notebook(2))
    release.set()
    assert service.wait(30)
    assert store.checkpoints.get(info.checkpoint_id).git_commit == "c" * 40


def test_if_changed_returns_the_authors_newest_checkpoint_of_the_same_bytes(service, tmp_path):
    nb = tmp_path / "nb.ipynb"
    nb.write_bytes(saved(notebook(2)))
    first = service.create(str(nb), ADA, if_changed=True)
    assert service.create(str(nb), ADA, if_changed=True).checkpoint_id == first.checkpoint_id
    theirs = service.create(str(nb), BOB, if_changed=True)  # someone else's: a checkpoint
    with_message = service.create(str(nb), ADA, if_changed=True, message="keep this")
    nb.write_bytes(saved(notebook(3)))
    changed = service.create(str(nb), ADA, if_changed=True)
    ids = {first.checkpoint_id, theirs.checkpoint_id, with_message.checkpoint_id,
           changed.checkpoint_id}  # fmt: skip
    assert len(ids) == 4 and service.list(str(nb))[1] == 4


def test_default_service_is_one_per_process():
    assert default_service() is default_service()


def test_long_notebooks_are_split_in_blocks_an_edit_changes_one():
    nb = notebook(10 * BLOCK_CELLS)
    split = split_notebook(nb)
    fetch = lambda ids: {i: split.chunks[i] for i in ids}  # noqa: E731
    manifest = manifest_of(split.manifest_id, fetch)
    assert "cells" not in manifest and 1 < len(manifest["blocks"]) < len(nb["cells"])
    assert join_notebook(manifest, fetch) == nb
    assert named_chunks(manifest, fetch) == set(split.chunks) - {split.manifest_id}

    for changed in (notebook(10 * BLOCK_CELLS, edit=33), _with_cell_inserted(nb, 0)):
        new = set(split_notebook(changed).chunks) - set(split.chunks)
        # the cell, at most two blocks (a boundary may move) and the manifest
        assert 3 <= len(new) <= 4, len(new)

    short = split_notebook(notebook(INLINE_CELLS))
    assert "cells" in json.loads(short.chunks[short.manifest_id])


def _with_cell_inserted(nb: dict, at: int) -> dict:
    cells = list(nb["cells"])
    cells.insert(at, {"cell_type": "markdown", "id": "new", "metadata": {}, "source": "# new"})
    return {**nb, "cells": cells}


def test_the_output_cache_answers_by_value_within_its_bound():
    cache = ChunkCache(max_bytes=20_000)
    output = {"output_type": "stream", "name": "stdout", "text": "x" * 1000}
    cid, data = cache.chunk(output)
    assert data == canonical(output)
    assert cache.chunk(json.loads(json.dumps(output))) == (cid, data)  # an equal copy
    assert len({cache.chunk({"v": v})[0] for v in (1, 1.0, True)}) == 3  # equal in Python only
    for i in range(50):
        cache.chunk({"text": f"{i:04d}" * 250})
    assert cache._bytes <= 20_000 and len(cache._items) < 20
