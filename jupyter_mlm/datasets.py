"""``mlm.datasets``: list, get and diff dataset versions of the current store.

``mlm.dataset(source)`` (hash and record) and ``run.log_dataset(...)`` live on the package and
the run; this module holds the rest."""

from __future__ import annotations

import builtins
from typing import Any

from .data.diff import DatasetDiff
from .data.versions import DatasetVersion

__all__ = ["DatasetDiff", "DatasetVersion", "diff", "get", "list"]


def _store():
    from .tracking.fluent import get_store

    return get_store()


def get(ref: str) -> DatasetVersion:
    """A recorded version by content id (or a unique prefix), ``NAME`` (newest) or ``NAME@ID``."""
    st = _store()
    return DatasetVersion(st.datasets.get(ref), st)


def list(name: str | None = None) -> builtins.list[DatasetVersion]:
    """Every recorded version (of ``name``), newest first within each name."""
    st = _store()
    return [DatasetVersion(i, st) for i in st.datasets.versions(name)]


def diff(a: Any, b: Any) -> DatasetDiff:
    """What changed from ``a`` to ``b``: versions, stored refs, or paths/frames to hash."""
    from .data.versions import diff as _diff

    return _diff(a, b, store=_store())
