"""Which notebook a path is, in every clone: repository identity + repo-relative path (as runs
record it), with the repository lookup cached per folder."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

from ..capture.git import locate_repository
from ..capture.notebook import identity_in

CACHE_SECONDS = 30.0

_cache: dict[str, tuple[float, tuple[str, str | None] | None]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class NotebookRef:
    abs_path: str
    repo: str  # repository identity, "" outside git
    path: str  # repo-relative POSIX path (server-root-relative outside git)
    root: str | None  # the work tree holding it, None outside git


def locate(abs_path: str, server_root: str | None = None) -> NotebookRef:
    abs_path = os.path.abspath(abs_path)
    folder = os.path.dirname(abs_path)
    repository = _repository(folder)
    if repository is None:
        base = server_root or os.environ.get("JUPYTER_SERVER_ROOT") or folder
        ident = identity_in(abs_path, None) if server_root is None else _outside(abs_path, base)
        return NotebookRef(abs_path, "", str(ident["path"]), None)
    root, identity = repository
    ident = identity_in(abs_path, repository)
    return NotebookRef(abs_path, identity or f"path:{root}", str(ident["path"]), root)


def _outside(abs_path: str, base: str) -> dict[str, str | None]:
    from pathlib import Path

    target = Path(abs_path)
    target = target.parent.resolve() / target.name
    try:
        return {"repo": None, "path": target.relative_to(Path(base).resolve()).as_posix()}
    except ValueError:
        return {"repo": None, "path": target.as_posix()}


def _repository(folder: str) -> tuple[str, str | None] | None:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(folder)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    found = locate_repository(folder) if os.path.isdir(folder) else _nearest(folder)
    with _lock:
        _cache[folder] = (now, found)
    return found


def _nearest(folder: str) -> tuple[str, str | None] | None:
    """For a deleted notebook's folder: the repository of the closest folder that exists."""
    while folder and not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return locate_repository(folder) if folder else None


def forget_cached_repositories() -> None:
    with _lock:
        _cache.clear()
