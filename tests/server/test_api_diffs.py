"""/mlm/api/checkpoints/{id}/diff: two checkpoints compared cell by cell, a checkpoint against
the file as saved now, and a teammate's checkpoint against one's own file."""

from __future__ import annotations

import copy
import json

import pytest

from jupyter_mlm.checkpoints import Author

from .checkpoint_helpers import git, notebook, put, save_notebook, stream


@pytest.fixture
def jupyter_user() -> str:
    return "grace"


def _v1() -> dict:
    return notebook(
        "import pandas as pd",
        "lr = 0.1",
        "print('debug')",
        "train()",
        outputs=[stream("loss 0.5\n")],
    )


def _v2(v1: dict) -> dict:
    nb = copy.deepcopy(v1)
    nb["cells"][1]["source"] = "lr = 0.01"  # modified source
    del nb["cells"][2]  # removed cell
    nb["cells"][2]["outputs"] = [stream("loss 0.2\n")]  # output change
    nb["cells"].append({"cell_type": "markdown", "id": "new", "metadata": {}, "source": "Done"})
    return nb


def _cells(body: dict) -> list[tuple]:
    return [
        (c["status"], c["base_index"], c["remote_index"], c["outputs_changed"])
        for c in body["cells"]
    ]


async def test_two_checkpoints_diff_cell_by_cell(mlm_api, jp_fetch):
    v1 = _v1()
    a = await save_notebook(jp_fetch, "nb.ipynb", v1)
    b = await save_notebook(jp_fetch, "nb.ipynb", _v2(v1))
    code, body = await mlm_api("GET", "checkpoints", a["id"], "diff", params={"against": b["id"]})
    assert code == 200
    assert (body["base"], body["remote"], body["outputs_hidden"]) == (a["id"], b["id"], False)
    assert _cells(body) == [
        ("unchanged", 0, 0, False),
        ("modified", 1, 1, False),
        ("removed", 2, None, False),
        ("modified", 3, 2, True),
        ("added", None, 3, False),
    ]
    cells = body["cells"]
    assert (cells[1]["source_base"], cells[1]["source_remote"]) == ("lr = 0.1", "lr = 0.01")
    assert (cells[2]["source_base"], cells[2]["source_remote"]) == ("print('debug')", None)
    assert (cells[4]["cell_type"], cells[4]["source_remote"]) == ("markdown", "Done")
    # nbdime's own diff is there too: a patch of the cells list
    assert body["diff"][0]["op"] == "patch" and body["diff"][0]["key"] == "cells"
    code, back = await mlm_api("GET", "checkpoints", b["id"], "diff", params={"against": a["id"]})
    assert [c["status"] for c in back["cells"]] == [
        "unchanged", "modified", "added", "modified", "removed",
    ]  # fmt: skip


async def test_a_checkpoint_against_the_file_as_saved_now(mlm_api, jp_fetch, jp_root_dir):
    a = await save_notebook(jp_fetch, "nb.ipynb", _v1())
    changed = _v1()
    changed["cells"][0]["source"] = "import polars as pl"
    await put(jp_fetch, "nb.ipynb", {"type": "notebook", "format": "json", "content": changed})
    code, body = await mlm_api("GET", "checkpoints", a["id"], "diff", params={"against": "current"})
    assert code == 200 and body["remote"] == "current"
    assert [c["status"] for c in body["cells"]] == ["modified"] + ["unchanged"] * 3
    assert body["cells"][0]["source_remote"] == "import polars as pl"
    # the same with the file named explicitly (e.g. a fork compared with its origin)
    await put(jp_fetch, "copy.ipynb", {"type": "notebook", "format": "json", "content": _v1()})
    code, body = await mlm_api(
        "GET", "checkpoints", a["id"], "diff", params={"against": "current", "path": "copy.ipynb"}
    )
    assert code == 200 and {c["status"] for c in body["cells"]} == {"unchanged"}


async def test_a_teammates_checkpoint_against_my_file_hides_their_unshared_outputs(
    mlm_api, jp_fetch, jp_root_dir, mlm_service
):
    mine = _v1()
    await put(jp_fetch, "nb.ipynb", {"type": "notebook", "format": "json", "content": mine})
    theirs = copy.deepcopy(mine)
    theirs["metadata"]["mlm"] = {"share_outputs": False}
    theirs["cells"][1]["source"] = "lr = 0.5"
    made = mlm_service.create(
        str(jp_root_dir / "nb.ipynb"),
        Author("bob", "Bob", "jupyter"),
        data=json.dumps(theirs).encode(),
    )
    code, body = await mlm_api(
        "GET", "checkpoints", made.checkpoint_id, "diff", params={"against": "current"}
    )
    assert code == 200 and body["outputs_hidden"] is True
    statuses = [(c["status"], c["outputs_changed"]) for c in body["cells"]]
    assert statuses == [("unchanged", False), ("modified", False), ("unchanged", False),
                        ("modified", True)]  # fmt: skip
    assert "loss" not in json.dumps(body["cells"][3])


async def test_diff_needs_a_notebook_and_a_valid_other_side(mlm_api, jp_fetch):
    a = await save_notebook(jp_fetch, "nb.ipynb", _v1())
    code, body = await mlm_api("GET", "checkpoints", a["id"], "diff")
    assert code == 400 and "against is required" in body["message"]
    code, body = await mlm_api("GET", "checkpoints", a["id"], "diff", params={"against": "HEAD"})
    assert code == 400
    code, body = await mlm_api("GET", "checkpoints", a["id"], "diff", params={"against": "0" * 32})
    assert code == 404
    code, body = await mlm_api(
        "GET", "checkpoints", a["id"], "diff", params={"against": "current", "path": "gone.ipynb"}
    )
    assert code == 404


async def test_a_checkpoint_against_its_git_commit_read_from_git(
    mlm_api, jp_fetch, jp_root_dir, mlm_service
):
    v1 = _v1()
    await save_notebook(jp_fetch, "nb.ipynb", v1)
    git(jp_root_dir, "add", "nb.ipynb")
    git(jp_root_dir, "commit", "-q", "-m", "v1")
    head = git(jp_root_dir, "rev-parse", "HEAD")
    b = await save_notebook(jp_fetch, "nb.ipynb", _v2(v1))  # not committed: dirty
    assert mlm_service.wait(30)
    code, body = await mlm_api("GET", "checkpoints", b["id"], "diff", params={"against": "commit"})
    assert code == 200
    assert (body["base"], body["remote"], body["commit"]) == ("commit", b["id"], head)
    assert body["base_missing"] is False
    assert [c["status"] for c in body["cells"]] == [
        "unchanged", "modified", "removed", "modified", "added",
    ]  # fmt: skip
    # a notebook its commit does not hold: every cell is new
    c = await save_notebook(jp_fetch, "new.ipynb", v1)
    assert mlm_service.wait(30)
    code, body = await mlm_api("GET", "checkpoints", c["id"], "diff", params={"against": "commit"})
    assert code == 200 and body["base_missing"] is True
    assert {cell["status"] for cell in body["cells"]} == {"added"}
