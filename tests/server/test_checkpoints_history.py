"""Restore (and its undo), delete and rename through Jupyter's API: a deleted notebook keeps its
history, a rename carries it, and only a checkpoint's author can delete it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_mlm.checkpoints import Author

from .checkpoint_helpers import content, listed, notebook, save_file, save_notebook, sources

CONTENTS_MANAGERS = [
    pytest.param("jupyter_server.services.contents.filemanager.FileContentsManager", id="sync"),
    pytest.param(None, id="async"),
]


@pytest.fixture(params=CONTENTS_MANAGERS)
def contents_manager_class(request):
    return request.param


async def test_restore_brings_old_content_back_and_can_itself_be_undone(
    jp_fetch, jp_root_dir: Path, mlm_service
):
    old = await save_notebook(jp_fetch, "nb.ipynb", notebook("x = 1", "old"))
    new = await save_notebook(jp_fetch, "nb.ipynb", notebook("x = 2", "new"))

    done = await jp_fetch("api", "contents", "nb.ipynb", "checkpoints", old["id"], method="POST",
                          body="")  # fmt: skip
    assert done.code == 204
    assert sources(await content(jp_fetch, "nb.ipynb")) == ["x = 1", "old"]
    models = await listed(jp_fetch, "nb.ipynb")
    assert [m["id"] for m in models[:2]] == [old["id"], new["id"]] and len(models) == 3
    undo = models[-1]
    infos, _ = mlm_service.list(str(jp_root_dir / "nb.ipynb"))
    assert (infos[0].checkpoint_id, infos[0].message, infos[0].restored_from) == (
        undo["id"], f"before restoring {old['id']}", old["id"])  # fmt: skip

    await jp_fetch("api", "contents", "nb.ipynb", "checkpoints", undo["id"], method="POST",
                   body="")  # fmt: skip
    assert sources(await content(jp_fetch, "nb.ipynb")) == ["x = 2", "new"]
    assert len(await listed(jp_fetch, "nb.ipynb")) == 4  # that restore is undoable too


async def test_restore_of_a_plain_file(jp_fetch, jp_root_dir: Path):
    first = await save_file(jp_fetch, "a.txt", "first\n")
    await save_file(jp_fetch, "a.txt", "second\n")
    await jp_fetch("api", "contents", "a.txt", "checkpoints", first["id"], method="POST", body="")
    assert (jp_root_dir / "a.txt").read_text() == "first\n"


async def test_restore_of_an_unknown_checkpoint_is_404_and_changes_nothing(
    jp_fetch, jp_root_dir: Path
):
    await save_notebook(jp_fetch, "nb.ipynb", notebook("x = 1"))
    other = await save_notebook(jp_fetch, "other.ipynb", notebook("y"))
    for bad in ("0" * 32, "checkpoint", other["id"]):  # another file's checkpoint too
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("api", "contents", "nb.ipynb", "checkpoints", bad, method="POST",
                           body="")  # fmt: skip
        assert err.value.code == 404
    assert sources(await content(jp_fetch, "nb.ipynb")) == ["x = 1"]
    assert len(await listed(jp_fetch, "nb.ipynb")) == 1


async def test_deleting_a_notebook_keeps_its_history_and_it_can_be_recovered(
    jp_fetch, jp_root_dir: Path, mlm_service
):
    await save_notebook(jp_fetch, "nb.ipynb", notebook("v1"))
    last = await save_notebook(jp_fetch, "nb.ipynb", notebook("v2"))
    gone = await jp_fetch("api", "contents", "nb.ipynb", method="DELETE")
    assert gone.code == 204 and not (jp_root_dir / "nb.ipynb").exists()

    abs_path = str(jp_root_dir / "nb.ipynb")
    infos, total = mlm_service.list(abs_path)
    assert total == 2 and infos[0].checkpoint_id == last["id"]
    store = mlm_service.store_for(abs_path)
    assert sources(mlm_service.notebook(store, infos[0], infos[0].author)) == ["v2"]
    # Jupyter's list is of the file at that path, and there is none: a new file starts afresh
    assert await listed(jp_fetch, "nb.ipynb") == []
    # the side panel's restore brings the deleted notebook back
    restored = await jp_fetch("mlm", "api", "checkpoints", last["id"], "restore", method="POST",
                              body=json.dumps({"path": "nb.ipynb"}))  # fmt: skip
    assert restored.code == 200
    assert sources(await content(jp_fetch, "nb.ipynb")) == ["v2"]


async def test_renaming_a_notebook_or_its_folder_carries_the_history(
    jp_fetch, jp_root_dir: Path, mlm_service
):
    made = [(await save_notebook(jp_fetch, "nb.ipynb", notebook(s)))["id"] for s in ("a", "b")]
    await jp_fetch("api", "contents", "nb.ipynb", method="PATCH",
                   body=json.dumps({"path": "renamed.ipynb"}))  # fmt: skip
    assert [m["id"] for m in await listed(jp_fetch, "renamed.ipynb")] == made
    assert await listed(jp_fetch, "nb.ipynb") == []

    (jp_root_dir / "sub" / "deeper").mkdir(parents=True)
    inner = await save_notebook(jp_fetch, "sub/deeper/inner.ipynb", notebook("c"))
    top = await save_file(jp_fetch, "sub/notes.txt", "n\n")
    await jp_fetch("api", "contents", "sub", method="PATCH", body=json.dumps({"path": "moved"}))
    assert [m["id"] for m in await listed(jp_fetch, "moved/deeper/inner.ipynb")] == [inner["id"]]
    assert [m["id"] for m in await listed(jp_fetch, "moved/notes.txt")] == [top["id"]]
    assert mlm_service.list(str(jp_root_dir / "sub" / "deeper" / "inner.ipynb"))[1] == 0


async def test_only_a_checkpoints_author_can_delete_it(jp_fetch, jp_root_dir: Path, mlm_service):
    mine = await save_notebook(jp_fetch, "nb.ipynb", notebook("mine"))
    abs_path = str(jp_root_dir / "nb.ipynb")
    theirs = mlm_service.create(abs_path, Author("bob@example.com", "Bob", "git"))

    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "contents", "nb.ipynb", "checkpoints", theirs.checkpoint_id,
                       method="DELETE")  # fmt: skip
    assert err.value.code == 403
    assert b"only its author" in err.value.response.body
    deleted = await jp_fetch("api", "contents", "nb.ipynb", "checkpoints", mine["id"],
                             method="DELETE")  # fmt: skip
    assert deleted.code == 204
    assert [m["id"] for m in await listed(jp_fetch, "nb.ipynb")] == [theirs.checkpoint_id]
