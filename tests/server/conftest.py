"""A real Jupyter server (pytest-jupyter) with the jupyter-mlm extension, rooted in a real git
repository, with the store in a temporary folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def mlm_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every store lookup (server and in-process runs) goes to one fresh SQLite store."""
    from jupyter_mlm.tracking.fluent import reset_store_cache

    store = tmp_path / "store"
    monkeypatch.setenv("MLM_STORE", str(store))
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    reset_store_cache()
    yield store
    reset_store_cache()


@pytest.fixture
def jp_root_dir(tmp_path: Path) -> Path:
    """The server root is a git repository with one commit (overrides pytest-jupyter's)."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Ada Lovelace")
    git(root, "config", "user.email", "ada@example.com")
    (root / "README.md").write_text("hello\n")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "first")
    return root


@pytest.fixture
def jp_server_config(mlm_store: Path) -> dict:
    return {"ServerApp": {"jpserver_extensions": {"jupyter_mlm": True}}}
