"""Garbage collection of checkpoint content: chunks no checkpoint's manifest names, older than
the grace period (a save that re-uses a chunk refreshes its time, and removal re-checks it).
``collect_garbage`` here does the store's blobs too: what ``mlm gc`` runs."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping

from ..store.base import Store
from ..store.gc import DEFAULT_GRACE_SECONDS, GcReport
from ..store.gc import collect_garbage as collect_blobs
from .content import manifest_of, named_chunks

_MANIFEST_BATCH = 200


def collect_garbage(
    store: Store, *, grace_seconds: float = DEFAULT_GRACE_SECONDS, dry_run: bool = False
) -> GcReport:
    """Blobs no run refers to and checkpoint chunks no checkpoint names, older than
    ``grace_seconds``."""
    report = collect_blobs(store, grace_seconds=grace_seconds, dry_run=dry_run)
    chunks = collect_chunks(store, time.time() - grace_seconds, dry_run)
    return dataclasses.replace(report, removed_chunks=chunks)


def collect_chunks(store: Store, cutoff: float, dry_run: bool) -> int:
    """Remove checkpoint chunks older than ``cutoff`` that no checkpoint's manifest names."""
    manifests = list(dict.fromkeys(store.chunks.manifest_ids()))
    referenced = set(manifests)
    for start in range(0, len(manifests), _MANIFEST_BATCH):
        fetched = store.chunks.get(manifests[start : start + _MANIFEST_BATCH])
        for manifest_id in fetched:
            manifest = manifest_of(manifest_id, _already(fetched))
            referenced |= named_chunks(manifest, store.chunks.get)
    return store.chunks.delete_unreferenced(referenced, cutoff, dry_run=dry_run)


def _already(chunks: Mapping[str, bytes]) -> Callable[[Iterable[str]], Mapping[str, bytes]]:
    """A fetch that answers from chunks already read."""
    return lambda _ids: chunks
