"""Real git repositories in temporary folders, made with the git CLI and no user configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitrepo import git, make_repo  # noqa: F401 - the tests import them from here


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the user's nor the system's git configuration affects a test."""
    config = tmp_path_factory.mktemp("gitconfig") / "config"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("JUPYTER_SERVER_ROOT", raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clean repository with a notebook in a subfolder."""
    return make_repo(
        tmp_path / "project",
        {"README.md": "hello\n", "notebooks/train.ipynb": "{}\n", "src/model.py": "x = 1\n"},
    )
