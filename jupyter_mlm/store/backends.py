"""Backends by URI scheme: which module makes the database engine for ``sqlite://`` or
``postgresql://``, and the blob store for ``file://`` (``s3://`` comes with the team store).
Entries name a ``module:function`` imported on first use, so resolving a store's location costs
no import; a new backend is a module and one ``register_*`` call."""

from __future__ import annotations

import importlib
from typing import Any

from ..core.errors import StoreError
from ..core.uris import redact_uri

_DATABASES: dict[str, str] = {
    "sqlite": "jupyter_mlm.store.engine:sqlite_engine",
    "postgresql": "jupyter_mlm.store.engine:postgres_engine",
    "postgres": "jupyter_mlm.store.engine:postgres_engine",
    "postgresql+psycopg": "jupyter_mlm.store.engine:postgres_engine",
    "postgresql+psycopg2": "jupyter_mlm.store.engine:postgres_engine",
}
_BLOBS: dict[str, str] = {
    "file": "jupyter_mlm.store.blobs:LocalBlobStore.from_uri",
}


def register_database(scheme: str, target: str) -> None:
    """``target`` (``"package.module:function"``) makes a SQLAlchemy engine from a URI."""
    _DATABASES[scheme.lower()] = target


def register_blobs(scheme: str, target: str) -> None:
    """``target`` (``"package.module:callable"``) makes a blob store from a URI."""
    _BLOBS[scheme.lower()] = target


def scheme_of(uri: str) -> str:
    return uri.split("://", 1)[0].lower() if "://" in uri else ""


def is_database(uri: str) -> bool:
    return scheme_of(uri) in _DATABASES


def is_remote_database(uri: str) -> bool:
    """A database on a server (every scheme but SQLite's)."""
    return is_database(uri) and scheme_of(uri) != "sqlite"


def is_blob_store(uri: str) -> bool:
    return scheme_of(uri) in _BLOBS


def database_schemes() -> list[str]:
    return sorted(_DATABASES)


def blob_schemes() -> list[str]:
    return sorted(_BLOBS)


def make_database(uri: str) -> Any:  # sqlalchemy Engine
    """The engine for a database URI, by its scheme."""
    return _load(_DATABASES, uri, "database")(uri)


def make_blob_store(uri: str) -> Any:  # BlobStore
    """The blob store for a blob URI, by its scheme."""
    return _load(_BLOBS, uri, "blob store")(uri)


def _load(table: dict[str, str], uri: str, what: str) -> Any:
    target = table.get(scheme_of(uri))
    if target is None:
        raise StoreError(
            f"unsupported {what} URI {redact_uri(uri)!r}; known schemes: "
            + ", ".join(f"{s}://" for s in sorted(table))
        )
    module, _, attr = target.partition(":")
    found: Any = importlib.import_module(module)
    for part in attr.split("."):
        found = getattr(found, part)
    return found
