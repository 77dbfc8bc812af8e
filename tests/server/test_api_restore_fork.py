"""/mlm/api/checkpoints/{id}/restore and /fork, round trips through Jupyter's contents API:
a restore checkpoints the current file first and is undone by restoring that checkpoint; a fork
is a new notebook next to the original, checkpointed with where it came from."""

from __future__ import annotations

import json

import pytest

from jupyter_mlm.checkpoints import Author

from .checkpoint_helpers import content, notebook, put, save_file, save_notebook, sources, stream


@pytest.fixture
def jupyter_user() -> str:
    return "grace"


async def test_restore_then_undo_round_trip(mlm_api, jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    old = await save_notebook(jp_fetch, "work/nb.ipynb", notebook("x = 1", "old"))
    await save_notebook(jp_fetch, "work/nb.ipynb", notebook("x = 2", "new"))
    await put(jp_fetch, "work/nb.ipynb",
              {"type": "notebook", "format": "json", "content": notebook("x = 3", "unsaved")})  # fmt: skip

    code, done = await mlm_api("POST", "checkpoints", old["id"], "restore")
    assert code == 200
    assert (done["path"], done["restored"]) == ("work/nb.ipynb", old["id"])
    assert sources(await content(jp_fetch, "work/nb.ipynb")) == ["x = 1", "old"]
    undo = done["undo_checkpoint"]
    assert undo["message"] == f"before restoring {old['id']}" and undo["author"] == "grace"
    assert undo["restored_from"] == old["id"]

    code, again = await mlm_api("POST", "checkpoints", undo["checkpoint_id"], "restore",
                                body={"path": "work/nb.ipynb"})  # fmt: skip
    assert code == 200
    assert sources(await content(jp_fetch, "work/nb.ipynb")) == ["x = 3", "unsaved"]
    code, history = await mlm_api("GET", "checkpoints", params={"path": "work/nb.ipynb"})
    assert history["total"] == 4  # two saves and two "before restoring" checkpoints
    assert history["checkpoints"][0]["checkpoint_id"] == again["undo_checkpoint"]["checkpoint_id"]


async def test_restore_of_a_deleted_notebook_recovers_it(mlm_api, jp_fetch, jp_root_dir):
    made = await save_notebook(jp_fetch, "nb.ipynb", notebook("precious()"))
    await jp_fetch("api", "contents", "nb.ipynb", method="DELETE")
    assert not (jp_root_dir / "nb.ipynb").exists()
    code, done = await mlm_api("POST", "checkpoints", made["id"], "restore")
    assert code == 200 and done["undo_checkpoint"] is None
    assert sources(await content(jp_fetch, "nb.ipynb")) == ["precious()"]


async def test_restore_of_a_plain_file(mlm_api, jp_fetch, jp_root_dir):
    first = await save_file(jp_fetch, "params.yaml", "lr: 0.1\n")
    await save_file(jp_fetch, "params.yaml", "lr: 0.2\n")
    code, _ = await mlm_api("POST", "checkpoints", first["id"], "restore")
    assert code == 200 and (jp_root_dir / "params.yaml").read_text() == "lr: 0.1\n"


async def test_restore_onto_another_notebook_is_a_conflict(mlm_api, jp_fetch, jp_root_dir):
    a = await save_notebook(jp_fetch, "a.ipynb", notebook("a"))
    await save_notebook(jp_fetch, "b.ipynb", notebook("b"))
    code, body = await mlm_api("POST", "checkpoints", a["id"], "restore", body={"path": "b.ipynb"})
    assert code == 409 and "'a.ipynb'" in body["message"]
    assert sources(await content(jp_fetch, "b.ipynb")) == ["b"]


async def test_restoring_a_teammates_checkpoint_leaves_their_unshared_outputs_out(
    mlm_api, jp_fetch, jp_root_dir, mlm_service
):
    await save_notebook(jp_fetch, "nb.ipynb", notebook("mine"))
    private = notebook("theirs", outputs=[stream("secret\n")],
                       metadata={"mlm": {"share_outputs": False}})  # fmt: skip
    theirs = mlm_service.create(
        str(jp_root_dir / "nb.ipynb"),
        Author("bob", "Bob", "jupyter"),
        data=json.dumps(private).encode(),
    )
    code, _ = await mlm_api("POST", "checkpoints", theirs.checkpoint_id, "restore")
    assert code == 200
    restored = await content(jp_fetch, "nb.ipynb")
    assert sources(restored) == ["theirs"] and restored["cells"][0]["outputs"] == []


async def test_fork_next_to_the_original_then_at_a_chosen_path(mlm_api, jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    made = await save_notebook(jp_fetch, "work/train.ipynb",
                               notebook("model = fit()", outputs=[stream("ok\n")]))  # fmt: skip
    await save_notebook(jp_fetch, "work/train.ipynb", notebook("model = fit(lr=0.5)"))

    code, fork = await mlm_api("POST", "checkpoints", made["id"], "fork")
    assert code == 201
    assert fork["path"] == f"work/train-fork-{made['id'][:8]}.ipynb"
    forked = await content(jp_fetch, fork["path"])
    assert sources(forked) == ["model = fit()"] and forked["cells"][0]["outputs"] != []
    assert sources(await content(jp_fetch, "work/train.ipynb")) == ["model = fit(lr=0.5)"]
    ckpt = fork["checkpoint"]
    assert ckpt["message"] == f"forked from {made['id']} by Grace"
    assert ckpt["contents_path"] == fork["path"] and ckpt["author"] == "grace"
    code, history = await mlm_api("GET", "checkpoints", params={"path": fork["path"]})
    assert [c["checkpoint_id"] for c in history["checkpoints"]] == [ckpt["checkpoint_id"]]

    code, second = await mlm_api("POST", "checkpoints", made["id"], "fork",
                                 body={"path": "work/train.ipynb"})  # fmt: skip
    assert code == 201 and second["path"] == f"work/train-fork-{made['id'][:8]}-2.ipynb"

    code, chosen = await mlm_api("POST", "checkpoints", made["id"], "fork",
                                 body={"path": "experiment.ipynb"})  # fmt: skip
    assert code == 201 and chosen["path"] == "experiment.ipynb"
    assert sources(await content(jp_fetch, "experiment.ipynb")) == ["model = fit()"]
    code, body = await mlm_api("POST", "checkpoints", made["id"], "fork",
                               body={"path": "work/train.ipynb", "new_path": "experiment.ipynb"})  # fmt: skip
    assert code == 409 and "already exists" in body["message"]


async def test_fork_paths_are_checked(mlm_api, jp_fetch):
    made = await save_notebook(jp_fetch, "nb.ipynb", notebook("x"))
    code, body = await mlm_api("POST", "checkpoints", made["id"], "fork", body={"path": "x.txt"})
    assert code == 400 and ".ipynb" in body["message"]
    code, body = await mlm_api("POST", "checkpoints", made["id"], "fork",
                               body={"path": "no/such/folder/x.ipynb"})  # fmt: skip
    assert code == 404
    code, body = await mlm_api("POST", "checkpoints", made["id"], "fork",
                               body={"path": "../outside.ipynb"})  # fmt: skip
    assert code == 400
