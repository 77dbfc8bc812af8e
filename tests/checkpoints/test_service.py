"""The checkpoint service on its own: content recorded at once and git state later, a hundred
checkpoints costing little more than one copy, unchanged saves not duplicated, long notebooks
in blocks, and ``mlm gc`` / ``mlm checkpoints`` over checkpoint content."""

from __future__ import annotations

import base64
import dataclasses
import json
import random
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from jupyter_mlm import cli
from jupyter_mlm.checkpoints import Author, CheckpointService, default_service
from jupyter_mlm.checkpoints import completion as completion_mod
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
from jupyter_mlm.checkpoints.gc import collect_garbage
from jupyter_mlm.store import open_store, schema

ADA = Author("ada@example.com", "Ada", "git")
BOB = Author("bob@example.com", "Bob", "git")


def notebook(n_cells: int, edit: int | None = None, images: int = 0, seed: int = 0) -> dict:
    """``n_cells`` code cells with a stream output; ``images`` PNG-sized outputs (random, so
    they do not compress); cell ``edit`` % n_cells gets one extra line."""
    rnd = random.Random(seed)
    cells = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i,
         "source": f"# step {i}\n" + f"x{i} = compute({i})\n" * 6,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": f"x{i} done\n"}]}
        for i in range(n_cells)
    ]  # fmt: skip
    for k in range(images):
        png = base64.b64encode(rnd.randbytes(60_000)).decode()
        cells[k * 3 % n_cells]["outputs"].append(
            {"output_type": "display_data", "metadata": {},
             "data": {"image/png": png, "text/plain": "<Figure>"}}
        )  # fmt: skip
    if edit is not None:
        cells[edit % n_cells]["source"] += f"# edit {edit}\n"
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3"}}, "cells": cells}  # fmt: skip


def saved(nb: dict) -> bytes:
    """The bytes Jupyter writes for ``nb`` (``nbformat.write``)."""
    import nbformat

    return (nbformat.writes(nbformat.from_dict(nb)) + "\n").encode()


def as_saved(nb: dict) -> dict:
    """``nb`` as read back from its file (Jupyter writes multi-line text as lists of lines)."""
    return json.loads(saved(nb))


@pytest.fixture
def store(tmp_path: Path):
    st = open_store(str(tmp_path / "store"))
    yield st
    st.close()


@pytest.fixture
def service(store, tmp_path: Path):
    svc = CheckpointService(store_for=lambda _path: store, server_root=str(tmp_path))
    yield svc
    svc.close()


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
    stored = store.chunk_bytes() + _row_bytes(infos)
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
    assert store.get_checkpoint(info.checkpoint_id).git_state == "pending"
    assert service.notebook(store, info, ADA.username) == as_saved(notebook(2))
    release.set()
    assert service.wait(30)
    assert store.get_checkpoint(info.checkpoint_id).git_commit == "c" * 40


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


def test_gc_removes_content_no_checkpoint_names_after_the_grace_period(service, store, tmp_path):
    path = str(tmp_path / "nb.ipynb")
    kept = service.create(path, ADA, data=saved(notebook(40, edit=1, images=1)))
    dropped = service.create(path, ADA, data=saved(notebook(40, edit=2, images=1, seed=1)))
    assert service.wait(30)
    service.delete(store, dropped.checkpoint_id, ADA)
    before = store.chunk_bytes()

    fresh = collect_garbage(store)  # everything is younger than the default hour
    assert fresh.removed_chunks == 0 and store.chunk_bytes() == before
    dry = collect_garbage(store, grace_seconds=0, dry_run=True)
    assert dry.removed_chunks > 0 and store.chunk_bytes() == before
    done = collect_garbage(store, grace_seconds=0)
    # the other image, the edited cell, its block(s) and the manifest
    assert done.removed_chunks == dry.removed_chunks >= 4
    assert store.chunk_bytes() < before - 60_000
    assert service.notebook(store, kept, ADA.username) == as_saved(notebook(40, edit=1, images=1))


def test_gc_spares_a_chunk_a_new_save_re_used(service, store, tmp_path):
    """A chunk no checkpoint named when gc read the references, re-used since by a save on
    another server, is not removed (the save refreshed its time)."""
    path = str(tmp_path / "nb.ipynb")
    old = service.create(path, ADA, data=saved(notebook(3, images=1)))
    assert service.wait(30)
    c = schema.checkpoint_chunks.c
    with store.engine.begin() as conn:  # stored two hours ago
        conn.execute(update(schema.checkpoint_chunks).values(created_at=c.created_at - 7200))
    service.delete(store, old.checkpoint_id, ADA)
    referenced: set[str] = set()  # what gc read before the new checkpoint existed
    with open_store(str(tmp_path / "store")) as other_store:
        other = CheckpointService(store_for=lambda _path: other_store, server_root=str(tmp_path))
        again = other.create(path, BOB, data=saved(notebook(3, images=1)))  # re-uses them all
        assert other.wait(30)
        other.close()
    assert store.delete_unreferenced_chunks(referenced, time.time() - 3600) == 0
    assert service.notebook(store, again, BOB.username) == as_saved(notebook(3, images=1))


def test_mlm_checkpoints_lists_a_notebooks_history(service, store, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside git, paths are relative to the server root
    nb = tmp_path / "nb.ipynb"
    nb.write_bytes(saved(notebook(2)))
    service.create(str(nb), ADA, message="first try\nmore detail")
    service.create(str(nb), BOB)
    assert service.wait(30)
    nb.unlink()  # a deleted notebook's history is still there
    code = cli.main(["--store", str(tmp_path / "store"), "checkpoints", str(nb)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "TIME", "AUTHOR", "COMMIT", "MESSAGE"]
    assert "Bob" in lines[1] and "(none)" in lines[1]  # newest first; not in git
    assert "Ada" in lines[2] and lines[2].endswith("first try")
    assert lines[-1] == "2 checkpoint(s) of nb.ipynb"


def test_mlm_gc_reports_checkpoint_content(service, store, tmp_path, capsys):
    path = str(tmp_path / "nb.ipynb")
    made = service.create(path, ADA, data=saved(notebook(2)))
    assert service.wait(30)
    service.delete(store, made.checkpoint_id, ADA)
    assert cli.main(["--store", str(tmp_path / "store"), "gc", "--grace", "0"]) == 0
    out = capsys.readouterr().out
    chunks = len(split_notebook(notebook(2)).chunks)  # metadata, 2 cells, 2 outputs, manifest
    assert f"removed {chunks} unused checkpoint content chunk(s)" in out
    assert store.chunk_bytes() == 0
