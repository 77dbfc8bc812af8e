"""Opening the store a command works on (``--store``, else the usual resolution)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..store.location import StoreLocation, location_from, resolve_store

if TYPE_CHECKING:
    from ..store.base import Store


def open_from(args: argparse.Namespace, near: str | None = None) -> tuple[StoreLocation, Store]:
    """The store ``--store`` names, else the one resolved for ``near`` (default: here)."""
    from ..store import open_store

    location = location_from(args.store) if args.store else resolve_store(near)
    return location, open_store(location)
