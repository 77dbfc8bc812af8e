"""Comments, archiving, purging and statistics: the housekeeping part of ``SqlStore``."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine

from ..core.entities import Comment, Experiment, RunInfo
from ..core.errors import NotFoundError
from . import engine as db
from . import liveness
from .repositories import CheckpointRepository
from .schema import BLOB_REFERENCES, comments, experiments, metric_blocks, metric_summaries, runs

LIFECYCLES = ("active", "archived")
COMMENT_TARGETS = ("run", "experiment", "checkpoint", "model")
MAX_COMMENT = 20_000


class AdminMixin:
    """Part of ``SqlStore``; relies on its ``engine``, ``get_run`` and ``get_experiment``."""

    engine: Engine
    get_run: Callable[[str], RunInfo]
    get_experiment: Callable[[str], Experiment]
    checkpoints: CheckpointRepository

    # comments -----------------------------------------------------------------------------
    def add_comment(
        self,
        target_kind: str,
        target_id: str,
        body: str,
        author: str | None = None,
        author_name: str | None = None,
    ) -> Comment:
        """A comment by ``author`` (default: the OS user) on a run, experiment, checkpoint or
        model."""
        if target_kind not in COMMENT_TARGETS:
            raise ValueError(
                f"cannot comment on a {target_kind!r} (one of: {', '.join(COMMENT_TARGETS)})"
            )
        if not isinstance(body, str) or not body.strip():
            raise ValueError("a comment needs a non-empty text")
        if len(body) > MAX_COMMENT:
            raise ValueError(f"a comment holds at most {MAX_COMMENT} characters, got {len(body)}")
        if not isinstance(target_id, str) or not target_id or len(target_id) > 64:
            raise ValueError(f"not a {target_kind} id: {target_id!r}")
        if target_kind == "run":
            self.get_run(target_id)
        elif target_kind == "checkpoint":
            self.checkpoints.get(target_id)
        elif target_kind == "experiment":
            self.get_experiment(target_id)
        row: dict[str, Any] = dict(
            comment_id=uuid.uuid4().hex,
            target_kind=target_kind,
            target_id=target_id,
            author=author or liveness.current_user(),
            author_name=(author_name or None) and author_name[:255],
            body=body,
            created_at=time.time(),
        )
        with db.write(self.engine, "add a comment") as conn:
            conn.execute(comments.insert().values(**row))
        return Comment(**row)

    def get_comment(self, comment_id: str) -> Comment:
        with db.read(self.engine, "read a comment") as conn:
            row = conn.execute(select(comments).where(comments.c.comment_id == comment_id)).first()
        if row is None:
            raise NotFoundError(f"no comment {comment_id!r}")
        return Comment(**row._asdict())

    def delete_comment(self, comment_id: str, author: str) -> None:
        """Delete a comment; only its author may (PermissionError otherwise)."""
        comment = self.get_comment(comment_id)
        if comment.author != author:
            raise PermissionError(
                f"comment {comment_id} was written by {comment.author!r}; only its author can "
                "delete it"
            )
        with db.write(self.engine, "delete a comment") as conn:
            conn.execute(delete(comments).where(comments.c.comment_id == comment_id))

    def comments(self, target_kind: str, target_id: str) -> list[Comment]:
        c = comments.c
        with db.read(self.engine, "read comments") as conn:
            return [
                Comment(**r._asdict())
                for r in conn.execute(
                    select(comments)
                    .where(c.target_kind == target_kind, c.target_id == target_id)
                    .order_by(c.created_at)
                )
            ]

    # lifecycle ----------------------------------------------------------------------------
    def set_lifecycle(self, kind: str, ident: str, lifecycle: str) -> None:
        if lifecycle not in LIFECYCLES:
            raise ValueError(f"lifecycle must be one of {LIFECYCLES}, got {lifecycle!r}")
        table, col = self._target(kind, ident)
        with db.write(self.engine, f"{lifecycle} {kind} {ident}") as conn:
            conn.execute(update(table).where(col == ident).values(lifecycle=lifecycle))

    def purge(self, kind: str, ident: str) -> int:
        table, col = self._target(kind, ident)
        with db.write(self.engine, f"delete {kind} {ident}") as conn:
            if kind == "run":
                ids = [ident]
            else:
                ids = list(
                    conn.execute(
                        select(runs.c.run_id).where(runs.c.experiment_id == ident)
                    ).scalars()
                )
            conn.execute(delete(comments).where(comments.c.target_id.in_([*ids, ident])))
            conn.execute(delete(table).where(col == ident))
        return len(ids)

    def _target(self, kind: str, ident: str):
        if kind == "run":
            self.get_run(ident)
            return runs, runs.c.run_id
        if kind == "experiment":
            self.get_experiment(ident)
            return experiments, experiments.c.experiment_id
        raise ValueError(f"kind must be 'run' or 'experiment', got {kind!r}")

    def referenced_blobs(self) -> set[str]:
        with db.read(self.engine, "list referenced blobs") as conn:
            return {
                bid
                for table, col in BLOB_REFERENCES
                for bid in conn.execute(select(table.c[col]).distinct()).scalars()
            }

    def stats(self) -> dict[str, Any]:
        with db.read(self.engine, "read store statistics") as conn:
            count = lambda t: conn.execute(select(func.count()).select_from(t)).scalar_one()  # noqa: E731
            points = conn.execute(
                select(func.coalesce(func.sum(metric_summaries.c.count), 0))
            ).scalar_one()
            return {
                "experiments": count(experiments),
                "runs": count(runs),
                "metric_points": int(points),
                "metric_blocks": count(metric_blocks),
            }
