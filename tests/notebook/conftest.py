"""A git repository holding a saved notebook, with the store in a temp folder: what the
notebook tests run a kernel or a shell in."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": None,
               "source": "x = 1", "outputs": []}],
}  # fmt: skip


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True)  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository holding a saved notebook; the store in a temp folder."""
    from jupyter_mlm.tracking.fluent import reset_store_cache

    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Ada Lovelace")
    git(root, "config", "user.email", "ada@example.com")
    (root / "nb.ipynb").write_text(json.dumps(NOTEBOOK))
    git(root, "add", "nb.ipynb")
    git(root, "commit", "-q", "-m", "notebook")
    monkeypatch.setenv("MLM_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("MLM_CAPTURE", "0")
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    reset_store_cache()
    yield root
    reset_store_cache()
