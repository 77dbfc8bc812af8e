"""Garbage collection of blobs no run refers to any more (checkpoint content chunks are the
checkpoint domain's: ``checkpoints.gc``).

Safe while other processes write: a blob younger than the grace period is never removed
(writers touch a blob they re-use, and removal re-checks its time); blob references are read
after the candidates are listed."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

from .base import Store
from .blobs import LocalBlobStore, stale_temp_files

DEFAULT_GRACE_SECONDS = 3600.0


@dataclass(frozen=True)
class GcReport:
    removed: int
    freed_bytes: int
    kept: int
    dry_run: bool
    removed_chunks: int = 0  # checkpoint content chunks (``checkpoints.gc``)


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
    return GcReport(removed, freed, kept, dry_run)
