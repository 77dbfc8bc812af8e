"""Stores opened once per process and location, for readers: the Jupyter server, the checkpoint
service and the CLI read through these and never start a writer or a journal (those belong to
a process that tracks runs: ``tracking.fluent``)."""

from __future__ import annotations

import os
import threading

from .base import Store
from .location import StoreLocation, location_from, on_store_change, resolve_store

_lock = threading.Lock()
_cache: dict[StoreLocation, Store] = {}


def opened(location: StoreLocation | str | None = None) -> Store:
    """The store at ``location`` (a ``StoreLocation``, a URI or folder, None: here), opened on
    first use and kept for the process."""
    from . import open_store

    if location is None:
        location = resolve_store()
    elif isinstance(location, str):
        location = location_from(location)
    with _lock:
        found = _cache.get(location)
        if found is None:
            found = _cache[location] = open_store(location)
        return found


def opened_for(path: str | os.PathLike[str] | None = None) -> Store:
    """The store of the notebook or file at ``path`` (``resolve_store``'s choice), opened once."""
    return opened(resolve_store(path))


def forget_opened() -> None:
    """Forget the opened stores (after ``set_store``); whoever holds one keeps it."""
    with _lock:
        _cache.clear()


on_store_change(forget_opened)
