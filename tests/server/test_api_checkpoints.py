"""/mlm/api/checkpoints: a notebook's history from every author (pages, newest first), one
author's, checkpointing now, one checkpoint, its content (a teammate's unshared outputs left
out) and deleting one's own. Checkpoints are made by saving through Jupyter's contents API."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from jupyter_mlm.checkpoints import Author

from .checkpoint_helpers import notebook, save_file, save_notebook, stream

BOB = Author("bob", "Bob Marley", "jupyter")


@pytest.fixture
def jupyter_user() -> str:
    return "grace"


def _by_bob(mlm_service, root: Path, path: str, nb: dict, message: str | None = None):
    """A teammate's checkpoint of the same notebook (recorded from Bob's copy of it)."""
    return mlm_service.create(str(root / path), BOB, data=json.dumps(nb).encode(), message=message)


async def test_a_notebooks_history_lists_every_author_newest_first_in_pages(
    mlm_api, jp_fetch, jp_root_dir, mlm_service
):
    made = []
    for i in range(3):
        made.append((await save_notebook(jp_fetch, "nb.ipynb", notebook(f"x = {i}")))["id"])
        made.append(
            _by_bob(mlm_service, jp_root_dir, "nb.ipynb", notebook(f"y = {i}")).checkpoint_id
        )
    await save_notebook(jp_fetch, "other.ipynb", notebook("z"))
    seen, offset = [], 0
    while offset is not None:
        code, body = await mlm_api(
            "GET", "checkpoints", params={"path": "nb.ipynb", "limit": 4, "offset": offset}
        )
        assert code == 200 and body["total"] == 6 and body["failures"] == []
        seen += body["checkpoints"]
        offset = body["next_offset"]
    assert [c["checkpoint_id"] for c in seen] == made[::-1]
    assert [c["author"] for c in seen] == ["bob", "grace"] * 3
    assert {c["author_name"] for c in seen} == {"Bob Marley", "Grace"}
    first = seen[0]
    assert first["path"] == first["contents_path"] == "nb.ipynb"
    assert first["kind"] == "notebook" and first["repo"]
    assert set(first["git"]) >= {"state", "commit", "branch", "dirty", "detail"}


async def test_one_authors_checkpoints_across_notebooks(
    mlm_api, jp_fetch, jp_root_dir, mlm_service
):
    (jp_root_dir / "sub").mkdir()
    a = await save_notebook(jp_fetch, "a.ipynb", notebook("a"))
    b = await save_notebook(jp_fetch, "sub/b.ipynb", notebook("b"))
    _by_bob(mlm_service, jp_root_dir, "a.ipynb", notebook("bob's"))
    code, mine = await mlm_api("GET", "checkpoints", params={"author": "me"})
    assert code == 200 and mine["total"] == 2
    assert [c["checkpoint_id"] for c in mine["checkpoints"]] == [b["id"], a["id"]]
    assert [c["contents_path"] for c in mine["checkpoints"]] == ["sub/b.ipynb", "a.ipynb"]
    code, bobs = await mlm_api("GET", "checkpoints", params={"author": "bob", "path": "a.ipynb"})
    assert [c["author"] for c in bobs["checkpoints"]] == ["bob"]
    code, body = await mlm_api("GET", "checkpoints")
    assert code == 400 and "pass path" in body["message"]


async def test_checkpoint_now_with_a_message_then_read_it_back(mlm_api, jp_fetch, jp_root_dir):
    nb = notebook("import numpy", "fit()", outputs=[stream("ok\n")])
    await jp_fetch("api", "contents", "nb.ipynb", method="PUT",
                   body=json.dumps({"type": "notebook", "format": "json", "content": nb}))  # fmt: skip
    code, made = await mlm_api(
        "POST", "checkpoints", body={"path": "nb.ipynb", "message": "before the big refactor"}
    )
    assert code == 201
    assert made["message"] == "before the big refactor" and made["author"] == "grace"
    code, got = await mlm_api("GET", "checkpoints", made["checkpoint_id"])
    assert code == 200 and got["checkpoint_id"] == made["checkpoint_id"]
    assert got["message"] == "before the big refactor" and got["contents_path"] == "nb.ipynb"
    code, held = await mlm_api("GET", "checkpoints", made["checkpoint_id"], "content")
    assert code == 200 and held["format"] == "json" and held["outputs_hidden"] is False
    saved = json.loads((jp_root_dir / "nb.ipynb").read_text())
    assert held["content"]["cells"] == saved["cells"]
    assert "".join(held["content"]["cells"][1]["outputs"][0]["text"]) == "ok\n"


async def test_checkpointing_a_missing_file_or_a_folder_is_refused(mlm_api, jp_root_dir):
    (jp_root_dir / "folder").mkdir()
    code, body = await mlm_api("POST", "checkpoints", body={"path": "missing.ipynb"})
    assert code == 404
    code, body = await mlm_api("POST", "checkpoints", body={"path": "folder"})
    assert code == 400 and "folder" in body["message"]
    code, body = await mlm_api("POST", "checkpoints", body={"message": "no path"})
    assert code == 400 and "path is required" in body["message"]


async def test_a_teammates_unshared_outputs_are_left_out(mlm_api, jp_root_dir, mlm_service):
    private = notebook(
        "secret()", outputs=[stream("42\n")], metadata={"mlm": {"share_outputs": False}}
    )
    theirs = _by_bob(mlm_service, jp_root_dir, "nb.ipynb", private)
    code, held = await mlm_api("GET", "checkpoints", theirs.checkpoint_id, "content")
    assert code == 200 and held["outputs_hidden"] is True
    assert held["content"]["cells"][0]["source"] == "secret()"
    assert held["content"]["cells"][0]["outputs"] == []
    shared = _by_bob(mlm_service, jp_root_dir, "nb.ipynb", notebook("x", outputs=[stream("1\n")]))
    code, held = await mlm_api("GET", "checkpoints", shared.checkpoint_id, "content")
    assert held["outputs_hidden"] is False and held["content"]["cells"][0]["outputs"] != []


async def test_plain_files_come_back_as_text_or_base64(mlm_api, jp_fetch, jp_root_dir, mlm_service):
    text = await save_file(jp_fetch, "notes.txt", "héllo\n")
    code, held = await mlm_api("GET", "checkpoints", text["id"], "content")
    assert code == 200
    assert (held["kind"], held["format"], held["content"]) == ("file", "text", "héllo\n")
    (jp_root_dir / "blob.bin").write_bytes(b"\xff\x00\xfe")
    binary = mlm_service.create(str(jp_root_dir / "blob.bin"), BOB)
    _, held = await mlm_api("GET", "checkpoints", binary.checkpoint_id, "content")
    assert held["format"] == "base64" and base64.b64decode(held["content"]) == b"\xff\x00\xfe"


async def test_only_the_author_deletes_a_checkpoint(mlm_api, jp_fetch, jp_root_dir, mlm_service):
    mine = await save_notebook(jp_fetch, "nb.ipynb", notebook("x"))
    theirs = _by_bob(mlm_service, jp_root_dir, "nb.ipynb", notebook("y"))
    code, body = await mlm_api("DELETE", "checkpoints", theirs.checkpoint_id)
    assert code == 403 and "Bob Marley" in body["message"]
    assert (await mlm_api("DELETE", "checkpoints", mine["id"]))[0] == 204
    assert (await mlm_api("GET", "checkpoints", mine["id"]))[0] == 404
    code, body = await mlm_api("GET", "checkpoints", params={"path": "nb.ipynb"})
    assert [c["checkpoint_id"] for c in body["checkpoints"]] == [theirs.checkpoint_id]
    assert (await mlm_api("DELETE", "checkpoints", mine["id"]))[0] == 404
