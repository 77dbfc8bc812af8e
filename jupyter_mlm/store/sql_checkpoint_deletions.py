"""When a user deleted a file or folder in their clone: its checkpoints stay, and Jupyter's
checkpoint list of a new file at that path starts after the deletion."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from . import engine as db
from .schema import checkpoint_deletions


class SqlCheckpointDeletions:
    """The deletions part of ``SqlCheckpoints``; relies on its ``engine``."""

    engine: Engine

    def mark_deleted(self, repo: str, path: str, author: str, at: float) -> None:
        """Record that ``author`` deleted the file or folder ``path`` at ``at`` (the newest
        deletion is kept)."""
        d = checkpoint_deletions.c
        key = (d.repo == repo, d.path == path, d.author == author)
        with db.write(self.engine, f"record the deletion of {path!r}") as conn:
            conn.execute(delete(checkpoint_deletions).where(*key))
            conn.execute(
                checkpoint_deletions.insert().values(
                    repo=repo, path=path, author=author, deleted_at=at
                )
            )

    def deleted_at(self, repo: str, path: str, author: str) -> float | None:
        """When ``author`` last deleted ``path`` or a folder above it; None if never."""
        paths = self_and_folders(path)
        d = checkpoint_deletions.c
        with db.read(self.engine, f"read the deletions of {path!r}") as conn:
            found = conn.execute(
                select(func.max(d.deleted_at)).where(
                    d.repo == repo, d.path.in_(paths), d.author == author
                )
            ).scalar()
        return None if found is None else float(found)


def self_and_folders(path: str) -> list[str]:
    """``a/b/c.ipynb`` → ``a``, ``a/b``, ``a/b/c.ipynb``."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
