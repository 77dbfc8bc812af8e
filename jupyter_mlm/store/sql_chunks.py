"""Notebook checkpoint content in a SQL database (``store.chunks``): chunks stored once per blake3 id, compressed
when that pays, checked against their id when read, and removed when no manifest names them."""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from ..core.errors import StoreError
from ..core.hashing import blake3_hex as chunk_id
from . import engine as db
from .repositories import ChunkRepository
from .schema import checkpoint_chunks, checkpoints

_CHUNK_ID = re.compile(r"^[0-9a-f]{64}$")
IN_BATCH = 500  # ids per ``IN (...)`` query
# zlib (level 1) is kept only when it saves at least this share: base64 images barely shrink.
_MIN_SAVING = 0.1
# Every chunk a new checkpoint names was stored or touched less than this ago (see ``put``):
# gc grace periods at least this long are safe while servers save.
TOUCH_AFTER = 600.0
_MAX_CONFIRMED = 200_000


class SqlChunks(ChunkRepository):
    """Checkpoint content chunks in a SQL database (``store.chunks``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._confirmed: dict[str, float] = {}  # chunk id → when this object stored or touched it

    def put(self, chunks: Mapping[str, bytes]) -> int:
        """Store the chunks not stored yet; returns the bytes added (after compression).

        A re-used chunk stored more than ``TOUCH_AFTER / 2`` seconds ago gets a fresh time, and
        chunks this process stored or touched less than that ago are not looked up again: a
        chunk a new checkpoint names was always stored or touched within ``TOUCH_AFTER``, so
        ``mlm gc`` (which spares chunks younger than its grace period) cannot remove it between
        this call and the checkpoint row that names it."""
        now = time.time()
        confirmed = self._confirmed
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
            for start in range(0, len(stale), IN_BATCH):
                conn.execute(
                    update(checkpoint_chunks)
                    .where(c.chunk_id.in_(stale[start : start + IN_BATCH]))
                    .values(created_at=now)
                )
        return sum(len(r["data"]) for r in rows)

    def get(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The chunks by id, checked against their id; StoreError names a missing or damaged one."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, bytes] = {}
        c = checkpoint_chunks.c
        with db.read(self.engine, "read checkpoint content") as conn:
            for start in range(0, len(wanted), IN_BATCH):
                part = wanted[start : start + IN_BATCH]
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
        for start in range(0, len(ids), IN_BATCH):
            part = ids[start : start + IN_BATCH]
            query = select(c.chunk_id, c.created_at).where(c.chunk_id.in_(part))
            found.update((row.chunk_id, row.created_at) for row in conn.execute(query))
        return found

    def _known_chunks(self, conn: Connection, ids: Sequence[str]) -> set[str]:
        c = checkpoint_chunks.c
        known: set[str] = set()
        for start in range(0, len(ids), IN_BATCH):
            part = ids[start : start + IN_BATCH]
            known.update(conn.execute(select(c.chunk_id).where(c.chunk_id.in_(part))).scalars())
        return known

    def total_bytes(self) -> int:
        """Bytes of stored checkpoint content (after compression)."""
        with db.read(self.engine, "measure checkpoint content") as conn:
            total = conn.execute(
                select(func.coalesce(func.sum(func.length(checkpoint_chunks.c.data)), 0))
            ).scalar_one()
        return int(total)

    def delete_unreferenced(
        self, referenced: set[str], older_than: float, *, dry_run: bool = False
    ) -> int:
        """Remove chunks no manifest names, stored before ``older_than``; returns their count.
        A chunk re-used meanwhile (its time refreshed by ``put``) is spared."""
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
        for start in range(0, len(stale), IN_BATCH):
            with db.write(self.engine, "remove unused checkpoint content") as conn:
                removed += conn.execute(
                    delete(checkpoint_chunks).where(
                        c.chunk_id.in_(stale[start : start + IN_BATCH]),
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
