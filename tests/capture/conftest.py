"""Real git repositories in temporary folders, made with the git CLI and no user configuration."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


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


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` and return its output."""
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def make_repo(root: Path, files: dict[str, str] | None = None, *, commit: bool = True) -> Path:
    """A repository at ``root`` on branch ``main`` holding ``files`` (committed by default)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for name, text in (files or {"README.md": "hello\n"}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "first")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clean repository with a notebook in a subfolder."""
    return make_repo(
        tmp_path / "project",
        {"README.md": "hello\n", "notebooks/train.ipynb": "{}\n", "src/model.py": "x = 1\n"},
    )
