"""Garbage collection of blobs no run refers to any more, and of checkpoint content chunks no
checkpoint names any more.

Safe while other processes write: a blob or chunk younger than the grace period is never removed
(writers touch a blob or chunk they re-use, and removal re-checks its time); blob references are
read after the candidates are listed."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .base import Store
from .blobs import LocalBlobStore, stale_temp_files

DEFAULT_GRACE_SECONDS = 3600.0
_MANIFEST_BATCH = 200


@dataclass(frozen=True)
class GcReport:
    removed: int
    freed_bytes: int
    kept: int
    dry_run: bool
    removed_chunks: int = 0  # checkpoint content chunks


def collect_garbage(
    store: Store, *, grace_seconds: float = DEFAULT_GRACE_SECONDS, dry_run: bool = False
) -> GcReport:
    if grace_seconds < 0:
        raise ValueError(f"grace period must be ≥ 0 seconds, got {grace_seconds}")
    cutoff = time.time() - grace_seconds
    candidates = [(b, size) for b, size, mtime in store.blobs.iter_blobs() if mtime < cutoff]
    referenced = store.referenced_blobs()
    removed = freed = kept = 0
    for blob_id, size in candidates:
        if blob_id in referenced:
            kept += 1
            continue
        if dry_run or store.blobs.delete(blob_id, if_older_than=cutoff):
            removed += 1
            freed += size
    if not dry_run and isinstance(store.blobs, LocalBlobStore):
        for tmp in stale_temp_files(store.blobs.root, cutoff):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    chunks = _collect_chunks(store, cutoff, dry_run)
    return GcReport(removed, freed, kept, dry_run, chunks)


def _collect_chunks(store: Store, cutoff: float, dry_run: bool) -> int:
    """Remove checkpoint chunks older than ``cutoff`` that no checkpoint's manifest names."""
    from ..checkpoints.content import manifest_of, named_chunks
    from .chunks_mixin import ChunksMixin

    if not isinstance(store, ChunksMixin):
        return 0
    manifests = list(dict.fromkeys(store.manifest_ids()))
    referenced = set(manifests)
    for start in range(0, len(manifests), _MANIFEST_BATCH):
        fetched = store.get_chunks(manifests[start : start + _MANIFEST_BATCH])
        for manifest_id in fetched:
            manifest = manifest_of(manifest_id, _already(fetched))
            referenced |= named_chunks(manifest, store.get_chunks)
    return store.delete_unreferenced_chunks(referenced, cutoff, dry_run=dry_run)


def _already(chunks: Mapping[str, bytes]) -> Callable[[Iterable[str]], Mapping[str, bytes]]:
    """A fetch that answers from chunks already read."""
    return lambda _ids: chunks
