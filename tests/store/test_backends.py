"""Backends by URI scheme: the built-in ones, a clear error for an unknown scheme, and a new
backend added by registering one module."""

from __future__ import annotations

import pytest

from jupyter_mlm.core.errors import ConfigError, StoreError
from jupyter_mlm.store import backends, open_store
from jupyter_mlm.store.blobs import LocalBlobStore
from jupyter_mlm.store.location import location_from


def test_builtin_schemes():
    assert {"sqlite", "postgresql"} <= set(backends.database_schemes())
    assert "file" in backends.blob_schemes()
    assert backends.is_remote_database("postgresql://u@h/db")
    assert not backends.is_remote_database("sqlite:////tmp/x.db")


def test_unknown_schemes_are_named_in_the_error(tmp_path):
    masked = r"unsupported database URI 'mysql://u:\*\*\*@h/db'.*sqlite://"
    with pytest.raises(StoreError, match=masked):
        backends.make_database("mysql://u:secret@h/db")
    with pytest.raises(StoreError, match=r"unsupported blob store URI 'gs://b'.*file://"):
        backends.make_blob_store("gs://b")
    with pytest.raises(ConfigError, match="unsupported store URI scheme 'mysql'"):
        location_from("mysql://h/db")
    with pytest.raises(ConfigError, match="unsupported artifacts URI scheme 'gs'"):
        location_from(tmp_path / "s", "gs://bucket")


class FolderBlobs(LocalBlobStore):
    """A blob backend of its own scheme (``folder://PATH``), for the registry test."""

    @classmethod
    def from_folder_uri(cls, uri: str) -> FolderBlobs:
        return cls(uri[len("folder://") :])


def test_a_new_blob_backend_is_one_registration(tmp_path, monkeypatch):
    monkeypatch.setitem(backends._BLOBS, "folder", f"{__name__}:FolderBlobs.from_folder_uri")
    store = open_store(location_from(tmp_path / "store", f"folder://{tmp_path / 'blobs'}"))
    try:
        assert isinstance(store.blobs, FolderBlobs)
        blob = store.blobs.put_bytes(b"hello")
        assert (tmp_path / "blobs" / blob[:2] / blob[2:]).read_bytes() == b"hello"
    finally:
        store.close()
