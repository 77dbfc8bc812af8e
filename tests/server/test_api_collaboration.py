"""Two users, each with a Jupyter server on their own clone, one store, through /mlm/api/: Bob
sees Ada's checkpoints and runs of the notebook with who made them, diffs Ada's checkpoint
against his own file, forks it into his clone, and can delete only his own checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import jupyter_mlm as mlm

from .checkpoint_helpers import git, notebook, save_notebook, sources


@pytest.fixture
def jupyter_user() -> str:
    return "ada"


async def _bob(bob, method: str, *parts: str, params: dict | None = None, body=None):
    reply = await bob.fetch("mlm", "api", *parts, method=method, params=params,
                            body=None if body is None else json.dumps(body), raise_error=False)  # fmt: skip
    return reply.code, (json.loads(reply.body) if reply.body else None)


@pytest.mark.slow
async def test_a_teammate_sees_diffs_and_forks_my_checkpoint_but_cannot_delete_it(
    mlm_api, jp_fetch, jp_root_dir: Path, mlm_service, second_server, tmp_path
):
    (jp_root_dir / "shared.ipynb").write_text(json.dumps(notebook("start")))
    git(jp_root_dir, "add", "shared.ipynb")
    git(jp_root_dir, "commit", "-q", "-m", "shared notebook")
    clone = tmp_path / "bobs-clone"
    git(tmp_path, "clone", "-q", str(jp_root_dir), str(clone))
    bob = second_server(clone, user="bob", display="Bob")

    ada_cp = await save_notebook(jp_fetch, "shared.ipynb", notebook("lr = 0.1", "fit()"))
    bob_cp = await save_notebook(bob.fetch, "shared.ipynb", notebook("lr = 0.5", "fit()"))
    ref = mlm_service.locate(str(jp_root_dir / "shared.ipynb"))
    with mlm.start_run("digits", tags={"mlm.notebook": ref.path, "mlm.repo": ref.repo}) as run:
        run.log(loss=0.3)
    mlm.flush()

    code, history = await _bob(bob, "GET", "checkpoints", params={"path": "shared.ipynb"})
    assert code == 200
    assert [
        (c["checkpoint_id"], c["author"], c["author_name"]) for c in history["checkpoints"]
    ] == [
        (bob_cp["id"], "bob", "Bob"),
        (ada_cp["id"], "ada", "Ada"),
    ]
    assert {c["contents_path"] for c in history["checkpoints"]} == {"shared.ipynb"}
    code, runs = await _bob(bob, "GET", "runs", params={"notebook": "shared.ipynb"})
    assert [r["run_id"] for r in runs["runs"]] == [run.run_id]

    code, diff = await _bob(bob, "GET", "checkpoints", ada_cp["id"], "diff",
                            params={"against": "current"})  # fmt: skip
    assert code == 200
    assert [(c["status"], c["source_base"], c["source_remote"]) for c in diff["cells"]] == [
        ("modified", "lr = 0.1", "lr = 0.5"),
        ("unchanged", "fit()", "fit()"),
    ]

    code, fork = await _bob(bob, "POST", "checkpoints", ada_cp["id"], "fork", body={})
    assert code == 201 and fork["path"] == f"shared-fork-{ada_cp['id'][:8]}.ipynb"
    assert sources(json.loads((clone / fork["path"]).read_text())) == ["lr = 0.1", "fit()"]
    assert not (jp_root_dir / fork["path"]).exists()  # in Bob's clone, not Ada's
    assert fork["checkpoint"]["author"] == "bob"
    assert fork["checkpoint"]["message"] == f"forked from {ada_cp['id']} by Bob"

    code, refused = await _bob(bob, "DELETE", "checkpoints", ada_cp["id"])
    assert code == 403 and "Ada" in refused["message"]
    assert (await _bob(bob, "DELETE", "checkpoints", bob_cp["id"]))[0] == 204
    code, history = await mlm_api("GET", "checkpoints", params={"path": "shared.ipynb"})
    assert [c["checkpoint_id"] for c in history["checkpoints"]] == [ada_cp["id"]]
