"""Comments on runs, experiments, checkpoints and models in a SQL database
(``store.comments``)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from ..core.entities import Comment
from ..core.errors import NotFoundError
from . import engine as db
from . import liveness
from .repositories import COMMENT_TARGETS, MAX_COMMENT, CommentRepository
from .schema import comments


class SqlComments(CommentRepository):
    def __init__(self, engine: Engine, require_target: Callable[[str, str], None]) -> None:
        """``require_target(kind, id)`` raises ``NotFoundError`` for a target that does not
        exist (a comment is never left on nothing)."""
        self.engine = engine
        self._require_target = require_target

    def add(
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
        self._require_target(target_kind, target_id)
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

    def get(self, comment_id: str) -> Comment:
        with db.read(self.engine, "read a comment") as conn:
            row = conn.execute(select(comments).where(comments.c.comment_id == comment_id)).first()
        if row is None:
            raise NotFoundError(f"no comment {comment_id!r}")
        return Comment(**row._asdict())

    def delete(self, comment_id: str, author: str) -> None:
        """Delete a comment; only its author may (PermissionError otherwise)."""
        comment = self.get(comment_id)
        if comment.author != author:
            raise PermissionError(
                f"comment {comment_id} was written by {comment.author!r}; only its author can "
                "delete it"
            )
        with db.write(self.engine, "delete a comment") as conn:
            conn.execute(delete(comments).where(comments.c.comment_id == comment_id))

    def of(self, target_kind: str, target_id: str) -> list[Comment]:
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
