"""``MlmCheckpoints`` settings: retention (count, age, size), privacy (large or matching outputs
not stored, a notebook's outputs kept from teammates) and the optional side ref."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from jupyter_mlm.checkpoints import Author
from jupyter_mlm.checkpoints.gitstate import side_ref_name
from jupyter_mlm.store import schema

from .checkpoint_helpers import git, notebook, save_notebook, stream

BOB = Author("bob@example.com", "Bob", "git")


async def _save_versions(jp_fetch, service, n: int, first: int = 0) -> list[str]:
    made = []
    for i in range(first, first + n):
        made.append((await save_notebook(jp_fetch, "nb.ipynb", notebook(f"x = {i}")))["id"])
        assert service.wait(30)  # retention runs after each checkpoint completes
    return made


@pytest.mark.parametrize("mlm_settings", [{"keep_count": 3}])
async def test_keep_count_keeps_each_authors_newest(jp_fetch, jp_root_dir, mlm_service,
                                                    mlm_settings):  # fmt: skip
    abs_path = str(jp_root_dir / "nb.ipynb")
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook("bob's")))
    theirs = mlm_service.create(abs_path, BOB)
    made = await _save_versions(jp_fetch, mlm_service, 5)
    infos, _ = mlm_service.list(abs_path, newest_first=False)
    assert [i.checkpoint_id for i in infos] == [theirs.checkpoint_id, *made[-3:]]


@pytest.mark.parametrize("mlm_settings", [{"keep_days": 7}])
async def test_keep_days_drops_older_checkpoints_but_never_the_newest(
    jp_fetch, jp_root_dir, mlm_service, mlm_settings
):
    abs_path = str(jp_root_dir / "nb.ipynb")
    first = await _save_versions(jp_fetch, mlm_service, 1)
    store = mlm_service.store_for(abs_path)
    with store.engine.begin() as conn:  # ten days ago
        c = schema.checkpoints.c
        conn.execute(update(schema.checkpoints).where(c.checkpoint_id == first[0])
                     .values(created_at=c.created_at - 10 * 86400))  # fmt: skip
    assert mlm_service.list(abs_path)[1] == 1  # alone, the newest is kept however old
    later = await _save_versions(jp_fetch, mlm_service, 2, first=1)
    assert [i.checkpoint_id for i in mlm_service.list(abs_path, newest_first=False)[0]] == later


@pytest.mark.parametrize("mlm_settings", [{"keep_bytes": 1000}])
async def test_keep_bytes_keeps_the_newest_within_the_budget(jp_fetch, jp_root_dir, mlm_service,
                                                             mlm_settings):  # fmt: skip
    abs_path = str(jp_root_dir / "nb.ipynb")
    made = await _save_versions(jp_fetch, mlm_service, 6)  # "x = 0" … "x = 5": one size
    infos, _ = mlm_service.list(abs_path, newest_first=False)
    size = infos[0].size
    assert 200 < size < 500
    assert [i.checkpoint_id for i in infos] == made[-(1000 // size) :]


def _stored_chunks(store) -> list[bytes]:
    import zlib

    c = schema.checkpoint_chunks.c
    with store.engine.connect() as conn:
        rows = conn.execute(select(c.codec, c.data)).all()
    return [zlib.decompress(r.data) if r.codec == "zlib" else bytes(r.data) for r in rows]


@pytest.mark.parametrize(
    "mlm_settings", [{"max_output_bytes": 2000, "omit_outputs": ["image/*", "error"]}]
)
async def test_large_and_matching_outputs_are_not_stored(jp_fetch, jp_root_dir, mlm_service,
                                                         mlm_settings):  # fmt: skip
    outputs = [
        stream("small and kept\n"),
        stream("BIGOUTPUT" * 1000),
        {"output_type": "display_data", "metadata": {},
         "data": {"image/png": "UE5HSU1BR0U=" * 10, "text/plain": "<Figure>"}},
        {"output_type": "error", "ename": "E", "evalue": "SECRETERROR", "traceback": []},
    ]  # fmt: skip
    await save_notebook(jp_fetch, "nb.ipynb", notebook("run()", outputs=outputs))
    abs_path = str(jp_root_dir / "nb.ipynb")
    (info,), _ = mlm_service.list(abs_path)
    assert info.omitted_outputs == 3
    store = mlm_service.store_for(abs_path)
    kept = mlm_service.notebook(store, info, info.author)["cells"][-1]["outputs"]
    assert [(o["output_type"], "".join(o["text"])) for o in kept] == [
        ("stream", "small and kept\n")
    ]
    stored = b"".join(_stored_chunks(store))
    assert b"small and kept" in stored
    for secret in (b"BIGOUTPUT", b"UE5HSU1BR0U=", b"SECRETERROR"):
        assert secret not in stored


async def test_share_outputs_false_gives_teammates_the_source_only(jp_fetch, jp_root_dir,
                                                                   mlm_service):  # fmt: skip
    private = notebook("secret()", outputs=[stream("private result\n")],
                       metadata={"mlm": {"share_outputs": False}})  # fmt: skip
    await save_notebook(jp_fetch, "nb.ipynb", private)
    abs_path = str(jp_root_dir / "nb.ipynb")
    (info,), _ = mlm_service.list(abs_path)
    assert info.outputs_shared is False
    store = mlm_service.store_for(abs_path)
    own = mlm_service.notebook(store, info, info.author)["cells"][0]
    other = mlm_service.notebook(store, info, BOB.username)["cells"][0]
    assert ["".join(o["text"]) for o in own["outputs"]] == ["private result\n"]
    assert own["execution_count"] == 1
    assert other["outputs"] == [] and other["execution_count"] is None
    assert "".join(other["source"]) == "secret()"


@pytest.mark.parametrize("mlm_settings", [{"side_ref": True}])
async def test_side_ref_commits_without_touching_branch_index_or_work_tree(
    jp_fetch, jp_root_dir: Path, mlm_service, mlm_settings
):
    nb = jp_root_dir / "nb.ipynb"
    nb.write_text(json.dumps(notebook("x = 1")))
    (jp_root_dir / "staged.txt").write_text("staged\n")
    git(jp_root_dir, "add", "staged.txt")
    (jp_root_dir / "README.md").write_text("edited, not staged\n")

    def snapshot() -> tuple:
        index = (jp_root_dir / ".git" / "index").read_bytes()
        return (git(jp_root_dir, "rev-parse", "HEAD"), git(jp_root_dir, "symbolic-ref", "HEAD"),
                git(jp_root_dir, "status", "--porcelain"), git(jp_root_dir, "diff", "--cached"),
                git(jp_root_dir, "diff"), index, sorted(p.name for p in jp_root_dir.iterdir()))  # fmt: skip

    before = snapshot()
    made = await jp_fetch("api", "contents", "nb.ipynb", "checkpoints", method="POST", body="")
    assert made.code == 201
    assert mlm_service.wait(30)
    assert snapshot() == before
    (info,), _ = mlm_service.list(str(nb))
    ref = side_ref_name(info.author)
    assert ref == "refs/mlm/checkpoints/ada-example.com"
    assert info.side_ref == git(jp_root_dir, "rev-parse", ref)
    assert git(jp_root_dir, "show", f"{ref}:nb.ipynb") == nb.read_text().strip()
    assert git(jp_root_dir, "show", f"{ref}:README.md") == "hello"  # HEAD's tree, not the edit
    assert "staged.txt" not in git(jp_root_dir, "ls-tree", "--name-only", ref)

    nb.write_text(json.dumps(notebook("x = 2")))
    before = snapshot()
    await jp_fetch("api", "contents", "nb.ipynb", "checkpoints", method="POST", body="")
    assert mlm_service.wait(30)
    assert snapshot() == before
    newest = mlm_service.list(str(nb))[0][0]
    assert git(jp_root_dir, "rev-parse", f"{ref}^") == info.side_ref  # the ref's own history
    assert git(jp_root_dir, "show", f"{ref}:nb.ipynb") == nb.read_text().strip()
    assert newest.side_ref == git(jp_root_dir, "rev-parse", ref)
