"""Two Jupyter servers (two users, each in their own clone) on one store share a notebook's
history: each lists the other's checkpoints with who made them, can restore a teammate's, and
can delete only their own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .checkpoint_helpers import content, git, listed, notebook, save_notebook, sources


@pytest.mark.parametrize("jupyter_user", ["ada"])
async def test_two_users_share_one_notebooks_history(
    jp_fetch, jp_root_dir: Path, mlm_service, second_server, tmp_path, jupyter_user
):
    (jp_root_dir / "shared.ipynb").write_text(json.dumps(notebook("start")))
    git(jp_root_dir, "add", "shared.ipynb")
    git(jp_root_dir, "commit", "-q", "-m", "shared notebook")
    clone = tmp_path / "bobs-clone"
    git(tmp_path, "clone", "-q", str(jp_root_dir), str(clone))
    bob = second_server(clone, user="bob", display="Bob")

    ada_cp = await save_notebook(jp_fetch, "shared.ipynb", notebook("ada's version"))
    bob_cp = await save_notebook(bob.fetch, "shared.ipynb", notebook("bob's version"))

    for fetch in (jp_fetch, bob.fetch):
        assert [m["id"] for m in await listed(fetch, "shared.ipynb")] == [ada_cp["id"],
                                                                           bob_cp["id"]]  # fmt: skip
    infos, _ = mlm_service.list(str(jp_root_dir / "shared.ipynb"), newest_first=False)
    assert [(i.author, i.author_name) for i in infos] == [("ada", "Ada"), ("bob", "Bob")]
    assert infos[0].repo == infos[1].repo and infos[0].path == infos[1].path == "shared.ipynb"

    # Bob restores Ada's checkpoint into his clone (his own file is checkpointed first)
    await bob.fetch("api", "contents", "shared.ipynb", "checkpoints", ada_cp["id"],
                    method="POST", body="")  # fmt: skip
    assert sources(await content(bob.fetch, "shared.ipynb")) == ["ada's version"]
    assert sources(json.loads((clone / "shared.ipynb").read_text())) == ["ada's version"]
    undo = (await listed(bob.fetch, "shared.ipynb"))[-1]
    assert mlm_service.store_for(str(jp_root_dir)).checkpoints.get(undo["id"]).author == "bob"

    refused = await bob.fetch("api", "contents", "shared.ipynb", "checkpoints", ada_cp["id"],
                              method="DELETE", raise_error=False)  # fmt: skip
    assert refused.code == 403
    for own in (bob_cp["id"], undo["id"]):
        done = await bob.fetch("api", "contents", "shared.ipynb", "checkpoints", own,
                               method="DELETE")  # fmt: skip
        assert done.code == 204
    assert [m["id"] for m in await listed(jp_fetch, "shared.ipynb")] == [ada_cp["id"]]
