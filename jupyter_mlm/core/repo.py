"""The git work tree a path is in, found from the file system alone (no git, no GitPython)."""

from __future__ import annotations

from pathlib import Path


def find_repo_root(start: Path) -> Path | None:
    """The top folder of the git work tree containing ``start``, if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None
