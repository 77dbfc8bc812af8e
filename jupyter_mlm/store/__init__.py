"""The store: one interface (``Store``), backends chosen by URI scheme (``backends``)."""

from __future__ import annotations

import os
import threading

from ..core.errors import StoreError
from .base import Store
from .location import StoreLocation, location_from, resolve_store

__all__ = ["Store", "open_store"]

_GITIGNORE = "# created by jupyter-mlm: the store is never committed\n*\n"
_lock = threading.Lock()


def open_store(location: StoreLocation | str | None = None) -> Store:
    """Open (creating on first use) the store at ``location``: a ``StoreLocation``, a database
    URI or folder, or None for the store of the current directory."""
    from .backends import make_blob_store
    from .sql_store import SqlStore

    if location is None:
        location = resolve_store()
    elif isinstance(location, str):
        location = location_from(location)
    if location.root is not None:
        _prepare_folder(location)
    return SqlStore(location.store_uri, make_blob_store(location.artifacts_uri))


def _prepare_folder(location: StoreLocation) -> None:
    root = location.root
    assert root is not None
    with _lock:
        try:
            created = not root.exists()
            root.mkdir(parents=True, exist_ok=True)
            ignore = root / ".gitignore"
            if (created or location.source == "default") and not ignore.exists():
                tmp = root / f".gitignore.{os.getpid()}"
                tmp.write_text(_GITIGNORE)
                os.replace(tmp, ignore)
        except OSError as err:
            raise StoreError(f"cannot create the store folder {root}: {err.strerror}") from err
