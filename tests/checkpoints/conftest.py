"""A checkpoint service on a fresh SQLite store in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_mlm.checkpoints import CheckpointService
from jupyter_mlm.store import open_store


@pytest.fixture
def store(tmp_path: Path):
    st = open_store(str(tmp_path / "store"))
    yield st
    st.close()


@pytest.fixture
def service(store, tmp_path: Path):
    svc = CheckpointService(store_for=lambda _path: store, server_root=str(tmp_path))
    yield svc
    svc.close()
