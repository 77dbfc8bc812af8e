"""Notebook checkpoints in the database: content chunks (stored once per blake3 id) and the
checkpoint rows with the runs and dataset versions they record."""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import blake3
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from ..entities import CheckpointInfo
from ..errors import NotFoundError, StoreError
from . import engine as db
from .schema import (
    checkpoint_chunks,
    checkpoint_datasets,
    checkpoint_runs,
    checkpoints,
    comments,
    run_datasets,
    runs,
    tags,
)

_CHUNK_ID = re.compile(r"^[0-9a-f]{64}$")
_CHECKPOINT_ID = re.compile(r"^[0-9a-f]{32}$")
_IN_BATCH = 500
# zlib (level 1) is kept only when it saves at least this share: base64 images barely shrink.
_MIN_SAVING = 0.1
# Every chunk a new checkpoint names was stored or touched less than this ago (see put_chunks):
# gc grace periods at least this long are safe while servers save.
TOUCH_AFTER = 600.0
_MAX_CONFIRMED = 200_000

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
    }
)


def check_checkpoint_id(checkpoint_id: object) -> str:
    if not isinstance(checkpoint_id, str) or not _CHECKPOINT_ID.match(checkpoint_id):
        raise ValueError(f"not a checkpoint id: {checkpoint_id!r} (32 hex digits expected)")
    return checkpoint_id


def chunk_id(data: bytes) -> str:
    return blake3.blake3(data).hexdigest()


class CheckpointsMixin:
    """Part of ``SqlStore``; relies on its ``engine``."""

    engine: Engine

    # chunks -------------------------------------------------------------------------------
    def put_chunks(self, chunks: Mapping[str, bytes]) -> int:
        """Store the chunks not stored yet; returns the bytes added (after compression).

        A re-used chunk stored more than ``TOUCH_AFTER / 2`` seconds ago gets a fresh time, and
        chunks this process stored or touched less than that ago are not looked up again: a
        chunk a new checkpoint names was always stored or touched within ``TOUCH_AFTER``, so
        ``mlm gc`` (which spares chunks younger than its grace period) cannot remove it between
        this call and the checkpoint row that names it."""
        now = time.time()
        confirmed = self._confirmed_chunks()
        ids = [cid for cid in chunks if confirmed.get(cid, 0.0) < now - TOUCH_AFTER / 2]
        if not ids:
            return 0
        added = self._store_chunks({cid: chunks[cid] for cid in ids}, now)
        if len(confirmed) > _MAX_CONFIRMED:
            confirmed.clear()
        confirmed.update(dict.fromkeys(ids, now))
        return added

    def _store_chunks(self, chunks: Mapping[str, bytes], now: float) -> int:
        ids = list(chunks)
        with db.read(self.engine, "look up checkpoint chunks") as conn:
            known = self._chunk_times(conn, ids)
        rows = [_chunk_row(cid, chunks[cid]) for cid in ids if cid not in known]
        stale = [cid for cid, created in known.items() if created < now - TOUCH_AFTER / 2]
        if not rows and not stale:
            return 0
        c = checkpoint_chunks.c
        with db.write(self.engine, "store checkpoint content") as conn:
            # another server may have stored some meanwhile: insert only what is still missing
            again = self._known_chunks(conn, [r["chunk_id"] for r in rows])
            rows = [r for r in rows if r["chunk_id"] not in again]
            if rows:
                conn.execute(checkpoint_chunks.insert(), rows)
            for start in range(0, len(stale), _IN_BATCH):
                conn.execute(
                    update(checkpoint_chunks)
                    .where(c.chunk_id.in_(stale[start : start + _IN_BATCH]))
                    .values(created_at=now)
                )
        return sum(len(r["data"]) for r in rows)

    def _confirmed_chunks(self) -> dict[str, float]:
        """Chunk ids this store object stored or touched, with when."""
        found: dict[str, float] | None = self.__dict__.get("_confirmed")
        if found is None:
            found = self.__dict__.setdefault("_confirmed", {})
        return found

    def get_chunks(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The chunks by id, checked against their id; StoreError names a missing or damaged one."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, bytes] = {}
        c = checkpoint_chunks.c
        with db.read(self.engine, "read checkpoint content") as conn:
            for start in range(0, len(wanted), _IN_BATCH):
                part = wanted[start : start + _IN_BATCH]
                for row in conn.execute(
                    select(c.chunk_id, c.codec, c.data).where(c.chunk_id.in_(part))
                ):
                    data = bytes(row.data)
                    if row.codec == "zlib":
                        data = zlib.decompress(data)
                    if chunk_id(data) != row.chunk_id:
                        raise StoreError(
                            f"checkpoint content chunk {row.chunk_id} is damaged (its bytes no "
                            "longer match their blake3 id)"
                        )
                    found[row.chunk_id] = data
        missing = [cid for cid in wanted if cid not in found]
        if missing:
            raise StoreError(
                f"checkpoint content chunk {missing[0]} is missing from the store"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        return found

    def _chunk_times(self, conn: Connection, ids: Sequence[str]) -> dict[str, float]:
        c = checkpoint_chunks.c
        found: dict[str, float] = {}
        for start in range(0, len(ids), _IN_BATCH):
            part = ids[start : start + _IN_BATCH]
            query = select(c.chunk_id, c.created_at).where(c.chunk_id.in_(part))
            found.update((row.chunk_id, row.created_at) for row in conn.execute(query))
        return found

    def _known_chunks(self, conn: Connection, ids: Sequence[str]) -> set[str]:
        c = checkpoint_chunks.c
        known: set[str] = set()
        for start in range(0, len(ids), _IN_BATCH):
            part = ids[start : start + _IN_BATCH]
            known.update(conn.execute(select(c.chunk_id).where(c.chunk_id.in_(part))).scalars())
        return known

    def chunk_bytes(self) -> int:
        """Bytes of stored checkpoint content (after compression)."""
        with db.read(self.engine, "measure checkpoint content") as conn:
            total = conn.execute(
                select(func.coalesce(func.sum(func.length(checkpoint_chunks.c.data)), 0))
            ).scalar_one()
        return int(total)

    def delete_unreferenced_chunks(
        self, referenced: set[str], older_than: float, *, dry_run: bool = False
    ) -> int:
        """Remove chunks no manifest names, stored before ``older_than``; returns their count.
        A chunk re-used meanwhile (its time refreshed by ``put_chunks``) is spared."""
        c = checkpoint_chunks.c
        with db.read(self.engine, "list checkpoint content") as conn:
            stale = [
                cid
                for cid in conn.execute(
                    select(c.chunk_id).where(c.created_at < older_than)
                ).scalars()
                if cid not in referenced
            ]
        if dry_run:
            return len(stale)
        removed = 0
        for start in range(0, len(stale), _IN_BATCH):
            with db.write(self.engine, "remove unused checkpoint content") as conn:
                removed += conn.execute(
                    delete(checkpoint_chunks).where(
                        c.chunk_id.in_(stale[start : start + _IN_BATCH]),
                        c.created_at < older_than,
                    )
                ).rowcount
        return int(removed)

    def manifest_ids(self) -> list[str]:
        with db.read(self.engine, "list checkpoint manifests") as conn:
            return [
                m
                for m in conn.execute(select(checkpoints.c.manifest_id)).scalars()
                if m is not None
            ]

    # checkpoints --------------------------------------------------------------------------
    def insert_checkpoint(self, row: Mapping[str, Any]) -> None:
        with db.write(self.engine, f"record a checkpoint of {row['path']!r}") as conn:
            conn.execute(checkpoints.insert().values(**row))

    def update_checkpoint(
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
            self.update_checkpoint(first, {}, datasets=[{**d, "origin": "run"} for d in datasets])
        return str(first)

    def get_checkpoint(self, checkpoint_id: str) -> CheckpointInfo:
        check_checkpoint_id(checkpoint_id)
        with db.read(self.engine, "read a checkpoint") as conn:
            row = conn.execute(
                select(checkpoints).where(checkpoints.c.checkpoint_id == checkpoint_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no checkpoint {checkpoint_id!r}")
            return self._complete(conn, [row])[0]

    def list_checkpoints(
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

    def checkpoint_times(self, repo: str, path: str, limit: int = 100) -> list[tuple[str, float]]:
        """``(checkpoint_id, created_at)`` of a file's newest checkpoints, newest first."""
        c = checkpoints.c
        query = (
            select(c.checkpoint_id, c.created_at)
            .where(c.repo == repo, c.path == path)
            .order_by(c.created_at.desc(), c.checkpoint_id.desc())
            .limit(limit)
        )
        with db.read(self.engine, "list checkpoints") as conn:
            return [(row.checkpoint_id, float(row.created_at)) for row in conn.execute(query)]

    def latest_checkpoint_time(self, repo: str, path: str, before: float) -> float | None:
        c = checkpoints.c
        with db.read(self.engine, "read the previous checkpoint") as conn:
            found = conn.execute(
                select(func.max(c.created_at)).where(
                    c.repo == repo, c.path == path, c.created_at < before
                )
            ).scalar()
        return None if found is None else float(found)

    def delete_checkpoint(self, checkpoint_id: str) -> None:
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

    def move_checkpoints(self, old_repo: str, old_path: str, new_repo: str, new_path: str) -> int:
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
            for start in range(0, len(run_ids), _IN_BATCH):
                part = list(run_ids[start : start + _IN_BATCH])
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


def _chunk_row(cid: str, data: bytes) -> dict[str, Any]:
    if not _CHUNK_ID.match(cid):
        raise ValueError(f"not a chunk id: {cid!r}")
    codec, stored = "raw", data
    if len(data) > 256:
        packed = zlib.compress(data, 1)
        if len(packed) <= len(data) * (1 - _MIN_SAVING):
            codec, stored = "zlib", packed
    return {
        "chunk_id": cid,
        "size": len(data),
        "codec": codec,
        "data": stored,
        "created_at": time.time(),
    }
