"""Saving in JupyterLab (PUT, then POST a checkpoint) keeps every checkpoint with its git state,
the runs started from the notebook since the previous one, the datasets in play and its author,
through Jupyter's own checkpoints API, on sync and async contents managers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import jupyter_mlm as mlm

from .checkpoint_helpers import git, listed, notebook, save_file, save_notebook

CONTENTS_MANAGERS = [
    pytest.param("jupyter_server.services.contents.filemanager.FileContentsManager", id="sync"),
    pytest.param(None, id="async"),  # jupyter_server's default AsyncLargeFileManager
]


@pytest.fixture(autouse=True)
def _no_context_capture(monkeypatch):
    # runs started here set their notebook tags themselves; capture would overwrite mlm.repo
    monkeypatch.setenv("MLM_CAPTURE", "0")


@pytest.mark.parametrize("contents_manager_class", CONTENTS_MANAGERS)
async def test_two_saves_make_two_checkpoints_with_git_state_runs_and_datasets(
    jp_fetch, jp_root_dir: Path, jp_serverapp, mlm_service, contents_manager_class
):
    cm = jp_serverapp.contents_manager
    assert (contents_manager_class is None) == type(cm).__name__.startswith("Async")
    (jp_root_dir / "data").mkdir()
    (jp_root_dir / "data" / "train.csv").write_text("x,y\n1,2\n")
    (jp_root_dir / "data" / "test.csv").write_text("x,y\n3,4\n")
    (jp_root_dir.parent / "outside.csv").write_text("secret\n")
    first_commit = git(jp_root_dir, "rev-parse", "HEAD")
    abs_path = str(jp_root_dir / "analysis.ipynb")

    first = await save_notebook(jp_fetch, "analysis.ipynb", notebook("x = 1"))
    assert mlm_service.wait(30)
    git(jp_root_dir, "add", "analysis.ipynb")
    git(jp_root_dir, "commit", "-q", "-m", "add the notebook")
    second_commit = git(jp_root_dir, "rev-parse", "HEAD")
    repo = mlm_service.locate(abs_path).repo
    here = {"mlm.notebook": "analysis.ipynb", "mlm.repo": repo}
    with mlm.start_run("exp", tags=here, datasets=[str(jp_root_dir / "data" / "train.csv")]) as r:
        r.log(loss=0.5)
    with mlm.start_run("exp", tags={**here, "mlm.notebook": "other.ipynb"}):
        pass
    declared = {"mlm": {"datasets": ["data/test.csv", "../outside.csv"]}}
    second = await save_notebook(jp_fetch, "analysis.ipynb", notebook("x = 2", metadata=declared))
    assert mlm_service.wait(30)

    # Jupyter's list: oldest first, so JupyterLab's "Revert to Checkpoint" defaults to the newest
    models = await listed(jp_fetch, "analysis.ipynb")
    assert [m["id"] for m in models] == [first["id"], second["id"]]
    times = [dt.datetime.fromisoformat(m["last_modified"].replace("Z", "+00:00")) for m in models]
    assert times[0] <= times[1] and times[0].tzinfo is not None
    direct = cm.list_checkpoints("analysis.ipynb")
    direct = await direct if hasattr(direct, "__await__") else direct
    assert all(isinstance(m["last_modified"], dt.datetime) and m["last_modified"].tzinfo
               for m in direct)  # fmt: skip

    (old, new), total = mlm_service.list(abs_path, newest_first=False)
    assert total == 2 and (old.checkpoint_id, new.checkpoint_id) == (first["id"], second["id"])
    # an untracked notebook leaves the work tree clean; once committed, an edit makes it dirty
    git_of = lambda i: (i.git_state, i.git_commit, i.git_branch, i.git_dirty)  # noqa: E731
    assert git_of(old) == ("ok", first_commit, "main", False)
    assert git_of(new) == ("ok", second_commit, "main", True)
    assert old.runs == () and [run["run_id"] for run in new.runs] == [r.run_id]
    by_origin = {(d["origin"], d["name"]) for d in new.datasets}
    assert by_origin == {("run", "train.csv"), ("metadata", "test.csv")}
    assert new.datasets_state == "error" and "outside" in new.datasets_detail
    assert "outside.csv" in new.datasets_detail and old.datasets == ()


@pytest.mark.parametrize("contents_manager_class", CONTENTS_MANAGERS)
async def test_first_save_and_jupyterlabs_checkpoint_make_one_checkpoint(
    jp_fetch, jp_root_dir: Path, mlm_service, contents_manager_class
):
    """Jupyter checkpoints a notebook's first save itself; JupyterLab's POST right after finds
    the same bytes and gets that checkpoint back instead of a copy."""
    made = await save_notebook(jp_fetch, "nb.ipynb", notebook("a"))
    again = await save_notebook(jp_fetch, "nb.ipynb", notebook("a"))
    assert made["id"] == again["id"]
    assert [m["id"] for m in await listed(jp_fetch, "nb.ipynb")] == [made["id"]]


@pytest.mark.parametrize("jupyter_user", ["grace"])
async def test_author_is_the_jupyter_user_when_the_identity_provider_names_one(
    jp_fetch, jp_root_dir: Path, mlm_service, jupyter_user
):
    await save_notebook(jp_fetch, "nb.ipynb", notebook("a"))
    await save_notebook(jp_fetch, "nb.ipynb", notebook("b"))
    infos, _ = mlm_service.list(str(jp_root_dir / "nb.ipynb"))
    assert [(i.author, i.author_name) for i in infos] == [("grace", "Grace")] * 2


async def test_anonymous_token_user_falls_back_to_the_repositorys_git_user(
    jp_fetch, jp_root_dir: Path, mlm_service
):
    await save_notebook(jp_fetch, "nb.ipynb", notebook("a"))
    (info,), _ = mlm_service.list(str(jp_root_dir / "nb.ipynb"))
    assert (info.author, info.author_name) == ("ada@example.com", "Ada Lovelace <ada@example.com>")


@pytest.mark.parametrize("contents_manager_class", CONTENTS_MANAGERS)
async def test_plain_text_files_keep_a_history_too(
    jp_fetch, jp_root_dir: Path, mlm_service, contents_manager_class
):
    (jp_root_dir / "notes").mkdir()
    first = await save_file(jp_fetch, "notes/todo.txt", "one\n")
    second = await save_file(jp_fetch, "notes/todo.txt", "one\ntwo ü\n")
    assert [m["id"] for m in await listed(jp_fetch, "notes/todo.txt")] == [
        first["id"], second["id"]]  # fmt: skip
    store = mlm_service.store_for(str(jp_root_dir / "notes" / "todo.txt"))
    infos, _ = mlm_service.list(str(jp_root_dir / "notes" / "todo.txt"), newest_first=False)
    assert [i.kind for i in infos] == ["file", "file"]
    assert [mlm_service.file_bytes(store, i) for i in infos] == [b"one\n", "one\ntwo ü\n".encode()]
