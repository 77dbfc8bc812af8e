"""Content ids: the blake3 of bytes, as 64 hex digits (blobs, checkpoint chunks, files)."""

from __future__ import annotations

import blake3

#: above this many bytes, hashing uses every core
PARALLEL_BYTES = 1 << 24


def blake3_hex(data: bytes | memoryview) -> str:
    """The content id of ``data``."""
    threads = blake3.blake3.AUTO if len(data) > PARALLEL_BYTES else 1
    return blake3.blake3(data, max_threads=threads).hexdigest()


def blake3_hasher() -> blake3.blake3:
    """An incremental hasher for streamed content (``update`` it, then ``hexdigest``)."""
    return blake3.blake3()
