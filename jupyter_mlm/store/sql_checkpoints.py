"""Notebook checkpoints in a SQL database: the checkpoint rows with the runs and dataset versions
they record (their content is ``sql_chunks``; deletions are ``sql_checkpoint_deletions``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from ..core.entities import CheckpointInfo
from ..core.errors import NotFoundError
from . import engine as db
from .repositories import CheckpointRepository
from .run_loading import require_run
from .schema import (
    checkpoint_datasets,
    checkpoint_deletions,
    checkpoint_runs,
    checkpoints,
    comments,
    run_datasets,
    runs,
    tags,
)
from .sql_checkpoint_deletions import SqlCheckpointDeletions, self_and_folders
from .sql_chunks import IN_BATCH

_CHECKPOINT_ID = re.compile(r"^[0-9a-f]{32}$")

UPDATABLE = frozenset(
    {
        "git_state",
        "git_commit",
        "git_branch",
        "git_dirty",
        "git_detail",
        "side_ref",
        "datasets_state",
        "datasets_detail",
        "error",
        "message",
        "manifest_id",  # the same content, its saved bytes named too (``keep_saved_bytes``)
    }
)


def check_checkpoint_id(checkpoint_id: object) -> str:
    if not isinstance(checkpoint_id, str) or not _CHECKPOINT_ID.match(checkpoint_id):
        raise ValueError(f"not a checkpoint id: {checkpoint_id!r} (32 hex digits expected)")
    return checkpoint_id


class SqlCheckpoints(SqlCheckpointDeletions, CheckpointRepository):
    """The checkpoint rows in a SQL database (``store.checkpoints``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # checkpoints --------------------------------------------------------------------------
    def insert(self, row: Mapping[str, Any]) -> None:
        with db.write(self.engine, f"record a checkpoint of {row['path']!r}") as conn:
            conn.execute(checkpoints.insert().values(**row))

    def update(
        self,
        checkpoint_id: str,
        fields: Mapping[str, Any],
        *,
        run_ids: Sequence[str] | None = None,
        datasets: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Fill in what was found after the save (git state, datasets, runs)."""
        unknown = set(fields) - UPDATABLE
        if unknown:
            raise ValueError(f"cannot update checkpoint field(s) {sorted(unknown)}")
        with db.write(self.engine, "complete a checkpoint") as conn:
            if fields:
                conn.execute(
                    update(checkpoints)
                    .where(checkpoints.c.checkpoint_id == checkpoint_id)
                    .values(**fields)
                )
            if run_ids:
                _link_runs(conn, checkpoint_id, run_ids)
            if datasets:
                cd = checkpoint_datasets.c
                linked = {
                    (row.content_id, row.name)
                    for row in conn.execute(
                        select(cd.content_id, cd.name).where(cd.checkpoint_id == checkpoint_id)
                    )
                }
                unique = {
                    (d["content_id"], d["name"]): d
                    for d in datasets
                    if (d["content_id"], d["name"]) not in linked
                }
                if not unique:
                    return
                conn.execute(
                    checkpoint_datasets.insert(),
                    [
                        {
                            "checkpoint_id": checkpoint_id,
                            "content_id": d["content_id"],
                            "name": d["name"],
                            "source": d["source"],
                            "origin": d["origin"],
                        }
                        for d in unique.values()
                    ],
                )

    def attach_late_run(
        self,
        run_id: str,
        repo: str,
        path: str,
        start_time: float,
        datasets: Sequence[Mapping[str, Any]],
    ) -> str | None:
        """Link a run whose notebook became known only after it started (the context capture
        runs in the background) to the first checkpoint of that notebook taken since it
        started, with the datasets it used; returns that checkpoint's id, if any."""
        c = checkpoints.c
        with db.write(self.engine, "link a run to its checkpoint") as conn:
            first = conn.execute(
                select(c.checkpoint_id)
                .where(c.repo == repo, c.path == path, c.created_at >= start_time)
                .order_by(c.created_at, c.checkpoint_id)
                .limit(1)
            ).scalar()
            if first is None:
                return None
            _link_runs(conn, first, [run_id])
        if datasets:
            self.update(first, {}, datasets=[{**d, "origin": "run"} for d in datasets])
        return str(first)

    def get(self, checkpoint_id: str) -> CheckpointInfo:
        check_checkpoint_id(checkpoint_id)
        with db.read(self.engine, "read a checkpoint") as conn:
            row = conn.execute(
                select(checkpoints).where(checkpoints.c.checkpoint_id == checkpoint_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no checkpoint {checkpoint_id!r}")
            return self._complete(conn, [row])[0]

    def of_run(self, run_id: str) -> CheckpointInfo | None:
        """The notebook checkpoint a run belongs to: the first one linked to it (a run is
        linked to the first checkpoint of its notebook saved after it started); None if none."""
        c, cr = checkpoints.c, checkpoint_runs.c
        with db.read(self.engine, f"find the checkpoint of run {run_id}") as conn:
            require_run(conn, run_id)
            row = conn.execute(
                select(checkpoints)
                .join(checkpoint_runs, cr.checkpoint_id == c.checkpoint_id)
                .where(cr.run_id == run_id)
                .order_by(c.created_at, c.checkpoint_id)
                .limit(1)
            ).first()
            return None if row is None else self._complete(conn, [row])[0]

    def find(
        self,
        *,
        repo: str | None = None,
        path: str | None = None,
        author: str | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = True,
    ) -> tuple[list[CheckpointInfo], int]:
        """Checkpoints of a notebook (``repo`` + ``path``) and/or of an ``author``, with the
        total count."""
        c = checkpoints.c
        where = []
        if repo is not None:
            where.append(c.repo == repo)
        if path is not None:
            where.append(c.path == path)
        if author is not None:
            where.append(c.author == author)
        cond = and_(*where) if where else None
        order = (
            (c.created_at.desc(), c.checkpoint_id.desc())
            if newest_first
            else (c.created_at, c.checkpoint_id)
        )
        with db.read(self.engine, "list checkpoints") as conn:
            query = select(checkpoints).order_by(*order).limit(limit).offset(offset)
            count = select(func.count()).select_from(checkpoints)
            if cond is not None:
                query, count = query.where(cond), count.where(cond)
            total = conn.execute(count).scalar_one()
            rows = conn.execute(query).all()
            return self._complete(conn, rows), int(total)

    def times(
        self, repo: str, path: str, limit: int = 100, deleted_by: str | None = None
    ) -> list[tuple[str, float]]:
        """``(checkpoint_id, created_at)`` of a file's newest checkpoints, newest first; with
        ``deleted_by``, only those made since that user last deleted the file (or a folder
        above it)."""
        c = checkpoints.c
        query = (
            select(c.checkpoint_id, c.created_at)
            .where(c.repo == repo, c.path == path)
            .order_by(c.created_at.desc(), c.checkpoint_id.desc())
            .limit(limit)
        )
        if deleted_by is not None:
            d = checkpoint_deletions.c
            since = (
                select(func.max(d.deleted_at))
                .where(d.repo == repo, d.path.in_(self_and_folders(path)), d.author == deleted_by)
                .scalar_subquery()
            )
            query = query.where(or_(since.is_(None), c.created_at > since))
        with db.read(self.engine, "list checkpoints") as conn:
            return [(row.checkpoint_id, float(row.created_at)) for row in conn.execute(query)]

    def latest_time(self, repo: str, path: str, before: float) -> float | None:
        c = checkpoints.c
        with db.read(self.engine, "read the previous checkpoint") as conn:
            found = conn.execute(
                select(func.max(c.created_at)).where(
                    c.repo == repo, c.path == path, c.created_at < before
                )
            ).scalar()
        return None if found is None else float(found)

    def delete(self, checkpoint_id: str) -> None:
        check_checkpoint_id(checkpoint_id)
        with db.write(self.engine, "delete a checkpoint") as conn:
            gone = conn.execute(
                delete(checkpoints).where(checkpoints.c.checkpoint_id == checkpoint_id)
            ).rowcount
            if not gone:
                raise NotFoundError(f"no checkpoint {checkpoint_id!r}")
            conn.execute(
                delete(comments).where(
                    comments.c.target_kind == "checkpoint", comments.c.target_id == checkpoint_id
                )
            )

    def move(self, old_repo: str, old_path: str, new_repo: str, new_path: str) -> int:
        """Carry the history of a file (or of every file under a folder) to its new path;
        returns the checkpoints moved."""
        c = checkpoints.c
        moved = 0
        with db.write(self.engine, f"move the history of {old_path!r}") as conn:
            moved += conn.execute(
                update(checkpoints)
                .where(c.repo == old_repo, c.path == old_path)
                .values(repo=new_repo, path=new_path)
            ).rowcount
            prefix = old_path.rstrip("/") + "/"
            inside = conn.execute(
                select(c.checkpoint_id, c.path).where(
                    c.repo == old_repo, c.path.startswith(prefix, autoescape=True)
                )
            ).all()
            for row in inside:
                conn.execute(
                    update(checkpoints)
                    .where(c.checkpoint_id == row.checkpoint_id)
                    .values(
                        repo=new_repo, path=new_path.rstrip("/") + "/" + row.path[len(prefix) :]
                    )
                )
            moved += len(inside)
        return int(moved)

    def notebook_runs(self, repo: str, path: str, since: float | None, until: float) -> list[str]:
        """Runs started from the notebook ``repo``/``path`` in ``(since, until]``, oldest first."""
        nb = tags.alias("nb")
        rp = tags.alias("rp")
        r = runs.c
        query = (
            select(r.run_id)
            .join(nb, and_(nb.c.run_id == r.run_id, nb.c.key == "mlm.notebook"))
            .where(nb.c.value == path, r.start_time <= until)
            .order_by(r.start_time)
        )
        if since is not None:
            query = query.where(r.start_time > since)
        if repo:
            query = query.join(rp, and_(rp.c.run_id == r.run_id, rp.c.key == "mlm.repo")).where(
                rp.c.value == repo
            )
        else:
            query = query.where(
                ~select(tags.c.run_id)
                .where(tags.c.run_id == r.run_id, tags.c.key == "mlm.repo")
                .exists()
            )
        with db.read(self.engine, "find the notebook's runs") as conn:
            return list(conn.execute(query).scalars())

    def datasets_of_runs(self, run_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The dataset versions the runs used: ``content_id``, ``name``, ``source``."""
        from .schema import dataset_versions

        if not run_ids:
            return []
        d, v = run_datasets.c, dataset_versions.c
        found: dict[tuple[str, str], dict[str, Any]] = {}
        with db.read(self.engine, "read the runs' datasets") as conn:
            for start in range(0, len(run_ids), IN_BATCH):
                part = list(run_ids[start : start + IN_BATCH])
                query = (
                    select(d.content_id, d.name, v.source)
                    .select_from(
                        run_datasets.outerjoin(
                            dataset_versions,
                            and_(v.content_id == d.content_id, v.name == d.name),
                        )
                    )
                    .where(d.run_id.in_(part))
                )
                for row in conn.execute(query):
                    found[(row.content_id, row.name)] = {
                        "content_id": row.content_id,
                        "name": row.name,
                        "source": row.source or "",
                    }
        return list(found.values())

    def _complete(self, conn: Connection, rows: Sequence[Any]) -> list[CheckpointInfo]:
        """Rows → CheckpointInfo with their runs, datasets and comment counts (3 queries)."""
        ids = [row.checkpoint_id for row in rows]
        if not ids:
            return []
        cr, r = checkpoint_runs.c, runs.c
        run_map: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in conn.execute(
            select(cr.checkpoint_id, cr.run_id, r.name, r.status)
            .select_from(checkpoint_runs.outerjoin(runs, r.run_id == cr.run_id))
            .where(cr.checkpoint_id.in_(ids))
        ):
            run_map[row.checkpoint_id].append(
                {"run_id": row.run_id, "name": row.name, "status": row.status}
            )
        cd = checkpoint_datasets.c
        data_map: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for used in conn.execute(
            select(cd.checkpoint_id, cd.content_id, cd.name, cd.source, cd.origin).where(
                cd.checkpoint_id.in_(ids)
            )
        ):
            data_map[used.checkpoint_id].append(
                {
                    "content_id": used.content_id,
                    "name": used.name,
                    "source": used.source,
                    "origin": used.origin,
                }
            )
        cm = comments.c
        counts: dict[str, int] = dict(
            conn.execute(
                select(cm.target_id, func.count())
                .where(cm.target_kind == "checkpoint", cm.target_id.in_(ids))
                .group_by(cm.target_id)
            ).all()
        )
        infos = []
        for row in rows:
            fields = row._asdict()
            fields["outputs_shared"] = bool(fields["outputs_shared"])
            if fields["git_dirty"] is not None:
                fields["git_dirty"] = bool(fields["git_dirty"])
            infos.append(
                CheckpointInfo(
                    **fields,
                    runs=tuple(run_map[row.checkpoint_id]),
                    datasets=tuple(data_map[row.checkpoint_id]),
                    comment_count=int(counts.get(row.checkpoint_id, 0)),
                )
            )
        return infos


def _link_runs(conn: Connection, checkpoint_id: str, run_ids: Sequence[str]) -> None:
    """Link runs to a checkpoint, skipping those already linked."""
    cr = checkpoint_runs.c
    linked = set(conn.execute(select(cr.run_id).where(cr.checkpoint_id == checkpoint_id)).scalars())
    new = [r for r in dict.fromkeys(run_ids) if r not in linked]
    if new:
        conn.execute(
            checkpoint_runs.insert(), [{"checkpoint_id": checkpoint_id, "run_id": r} for r in new]
        )
