"""A git repository holding a saved notebook, with the store in a temp folder: what the
notebook tests run a kernel or a shell in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gitrepo import git, make_repo  # noqa: F401 - the tests import git from here

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": None,
               "source": "x = 1", "outputs": []}],
}  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository holding a saved notebook; the store in a temp folder."""
    from jupyter_mlm.tracking.fluent import reset_store_cache

    files = {"nb.ipynb": json.dumps(NOTEBOOK)}
    root = make_repo(tmp_path / "project", files, message="notebook")
    monkeypatch.setenv("MLM_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("MLM_CAPTURE", "0")
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    reset_store_cache()
    yield root
    reset_store_cache()
