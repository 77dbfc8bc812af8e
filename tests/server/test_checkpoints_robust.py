"""A save never fails because of us: an unusable store, no git, a bare repository, a detached
HEAD, a rebase in progress or a git too slow for the time limit all leave saving working, and
the checkpoint says why its git state is what it is."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from jupyter_mlm.checkpoints.author import forget_cached_git_users
from jupyter_mlm.checkpoints.locate import forget_cached_repositories
from jupyter_mlm.tracking.fluent import reset_store_cache

from .checkpoint_helpers import content, git, listed, notebook, save_notebook, sources
from .conftest import init_repo


@pytest.fixture
def root_kind() -> str:
    return "repo"


@pytest.fixture
def jp_root_dir(tmp_path: Path, root_kind: str) -> Path:
    """The server root: a repository with one commit (``repo``), a plain folder (``plain``) or
    a bare repository (``bare``)."""
    root = tmp_path / "root"
    root.mkdir()
    if root_kind == "bare":
        git(root, "init", "-q", "--bare")
    elif root_kind == "repo":
        init_repo(root)
    return root


async def _saved_state(jp_fetch, root: Path, service, path: str = "nb.ipynb"):
    """Save twice as JupyterLab does; both saves succeed; the newest checkpoint, completed."""
    await save_notebook(jp_fetch, path, notebook("x = 1"))
    await save_notebook(jp_fetch, path, notebook("x = 2"))
    assert sources(await content(jp_fetch, path)) == ["x = 2"]
    assert service.wait(30)
    infos, total = service.list(str(root / path))
    assert total == 2
    return infos[0]


async def test_an_unusable_store_never_fails_a_save(
    jp_fetch, jp_root_dir: Path, mlm_service, monkeypatch, tmp_path, caplog
):
    not_a_database = tmp_path / "store-file"
    not_a_database.write_bytes(b"this is not SQLite\n" * 100)
    monkeypatch.setenv("MLM_STORE", str(not_a_database))
    reset_store_cache()
    caplog.set_level(logging.WARNING, logger="jupyter_mlm")

    made = await save_notebook(jp_fetch, "nb.ipynb", notebook("x = 1"))
    saved = json.loads((jp_root_dir / "nb.ipynb").read_text())
    assert sources(saved) == ["x = 1"]
    assert made["id"].startswith("failed-") and made["last_modified"]
    assert await listed(jp_fetch, "nb.ipynb") == []
    failures = mlm_service.failures(str(jp_root_dir / "nb.ipynb"))
    assert failures and all(f.path == str(jp_root_dir / "nb.ipynb") for f in failures)
    assert any("could not checkpoint" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)  # fmt: skip


async def test_a_checkpoint_of_a_folder_or_a_missing_file_is_refused_with_a_reason(
    jp_fetch, jp_root_dir: Path, jp_serverapp, mlm_service
):
    """Jupyter's checkpoint API: 400 for a folder, 404 for a missing file, each with a message
    (not a 201 naming no checkpoint); nothing is recorded as a failed save."""
    from tornado.httpclient import HTTPClientError

    (jp_root_dir / "folder").mkdir()
    for path, code, words in (("folder", 400, "is a folder"), ("gone.ipynb", 404, "no file")):
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch("api", "contents", path, "checkpoints", method="POST", body="")
        assert refused.value.code == code
        assert words in json.loads(refused.value.response.body)["message"]
        assert mlm_service.failures(str(jp_root_dir / path)) == []


async def test_git_not_installed(jp_fetch, jp_root_dir: Path, mlm_service, monkeypatch, tmp_path):
    no_git = tmp_path / "bin"
    no_git.mkdir()
    for tool in ("sh", "env"):
        found = shutil.which(tool)
        if found:
            (no_git / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(no_git))
    forget_cached_repositories()
    forget_cached_git_users()
    info = await _saved_state(jp_fetch, jp_root_dir, mlm_service)
    assert (info.git_state, info.git_detail) == ("none", "git is not installed")
    assert info.git_commit is None


@pytest.mark.parametrize("root_kind", ["plain"])
async def test_outside_any_repository(jp_fetch, jp_root_dir: Path, mlm_service, root_kind):
    info = await _saved_state(jp_fetch, jp_root_dir, mlm_service)
    assert (info.repo, info.path) == ("", "nb.ipynb")
    assert (info.git_state, info.git_detail) == ("none", "not in a git repository")


@pytest.mark.parametrize("root_kind", ["bare"])
async def test_server_root_is_a_bare_repository(
    jp_fetch, jp_root_dir: Path, mlm_service, root_kind
):
    info = await _saved_state(jp_fetch, jp_root_dir, mlm_service)
    assert info.git_state == "none" and "bare" in info.git_detail


async def test_detached_head(jp_fetch, jp_root_dir: Path, mlm_service):
    head = git(jp_root_dir, "rev-parse", "HEAD")
    git(jp_root_dir, "checkout", "-q", "--detach")
    info = await _saved_state(jp_fetch, jp_root_dir, mlm_service)
    assert (info.git_state, info.git_commit, info.git_branch) == ("ok", head, None)


async def test_rebase_in_progress(jp_fetch, jp_root_dir: Path, mlm_service):
    git(jp_root_dir, "checkout", "-q", "-b", "feature")
    (jp_root_dir / "README.md").write_text("feature\n")
    git(jp_root_dir, "commit", "-q", "-am", "feature")
    git(jp_root_dir, "checkout", "-q", "main")
    (jp_root_dir / "README.md").write_text("main\n")
    git(jp_root_dir, "commit", "-q", "-am", "main")
    git(jp_root_dir, "checkout", "-q", "feature")
    with pytest.raises(Exception, match="rebase"):  # stops on the conflict
        git(jp_root_dir, "-c", "core.editor=true", "rebase", "main")
    assert (jp_root_dir / ".git" / "rebase-merge").is_dir()

    info = await _saved_state(jp_fetch, jp_root_dir, mlm_service)
    assert (info.git_state, info.git_detail, info.git_dirty) == ("ok", "rebase in progress", True)
    assert info.git_commit == git(jp_root_dir, "rev-parse", "main")  # HEAD mid-rebase


@pytest.mark.parametrize("mlm_settings", [{"git_timeout": 1e-6}])
async def test_git_slower_than_the_time_limit(
    jp_fetch, jp_root_dir: Path, mlm_service, mlm_settings
):
    """A huge repository: the git state is recorded as a timeout, the save is unaffected."""
    info = await _saved_state(jp_fetch, jp_root_dir, mlm_service)
    assert info.git_state == "timeout" and "longer than" in info.git_detail
    assert info.manifest_id is not None  # the content is there all the same
