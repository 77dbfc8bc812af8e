"""Find files with the same bytes among local files and folders, fsspec URLs and blob stores.

Files are grouped by size first (a file whose size is unique is never read), then by a cheap
xxh3-128 of the size and the first and last 64 KiB (the whole file up to 128 KiB), and only
then by the full blake3 content id, the only thing that makes two files equal. Blobs of a
content-addressed store (``ab/cdef…`` files) are named by their id and are never re-hashed;
local files go through the hash cache. A remote (fsspec) file of at most 128 KiB gets its
blake3 along with the partial hash, so it is downloaded once.

The same file reached twice (repeated or overlapping sources, symlinks, hard links) counts
once. Empty files are ignored unless ``include_empty`` (they waste no space).
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import blake3
import xxhash

from ..core.hashing import blake3_hex
from .duplicate_report import DuplicateGroup, DuplicateReport
from .duplicate_sources import (
    is_local,
    list_blobs,
    list_url,
    physical_identity,
    reraise,
    walk_local,
)
from .filehash import hash_file
from .remote import filesystem

if TYPE_CHECKING:
    from .hashcache import HashCache

EDGE = 64 * 1024  # bytes hashed at each end of a file by the partial hash
CHUNK = 1 << 20  # read size when streaming a file to blake3
_BATCH_BYTES = 8 << 20  # work handed to one thread at a time: up to this many bytes...
_BATCH_FILES = 64  # ...or this many files
_BLOB_ID = re.compile(r"^[0-9a-f]{64}$")
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
EMPTY_ID = blake3_hex(b"")

T = TypeVar("T")


@dataclass(eq=False, slots=True)
class _File:
    location: str  # what the report shows: an absolute local path or a URL
    size: int
    st: os.stat_result | None = None  # local files only
    fs: Any = None  # fsspec filesystem of a remote file; None for local files
    content_id: str | None = None  # blake3 hex, once known


def find_duplicates(
    *sources: str | os.PathLike[str],
    blob_dirs: Sequence[str | os.PathLike[str]] = (),
    include_empty: bool = False,
    cache: HashCache | bool | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> DuplicateReport:
    """Groups of identical files among ``sources`` and the blobs in ``blob_dirs``.

    ``sources``: local files, folders (recursive; symlinked sub-folders are not followed) or
    fsspec URLs (``memory://…``, ``file://…``, ``s3://…``; folders listed recursively).
    ``blob_dirs``: folders of a content-addressed blob store; a blob's name is its id.
    ``cache``: the hash cache of local files (None/True: ``HashCache.default()``; False: none).
    ``progress``: True for a tqdm bar, or ``progress(bytes_done, files_done)``.
    ``workers``: hashing threads (default: one per CPU; ``min(32, cpus + 4)`` for URLs).
    """
    files = _collect(sources, blob_dirs)
    by_size: dict[int, list[_File]] = defaultdict(list)
    for f in files:
        if f.size or include_empty:
            by_size[f.size].append(f)
    candidates = [group for group in by_size.values() if len(group) > 1]
    for f in by_size.get(0, ()):
        f.content_id = EMPTY_ID
    hash_cache, own_cache = _open_cache(cache)
    try:
        if hash_cache is not None:
            local = [(f, f.st) for g in candidates for f in g if f.content_id is None and f.st]
            ids = hash_cache.lookup_many((f.location, st) for f, st in local)
            for (f, _), cached in zip(local, ids, strict=True):
                f.content_id = cached
        started_ns = time.time_ns()  # before any file is read: the cache's racy-clean reference
        hashed = _hash_candidates(candidates, _Progress(progress), workers)
        if hash_cache is not None:
            hash_cache.record(
                [(f.location, f.st, f.content_id) for f in hashed if f.st and f.content_id],
                observed_at_ns=started_ns,
            )
    finally:
        if own_cache and hash_cache is not None:
            hash_cache.close()
    return DuplicateReport(_groups(candidates), len(files), sum(f.size for f in files))


def _hash_candidates(
    candidates: list[list[_File]], progress: _Progress, workers: int | None
) -> list[_File]:
    """Set the content id of every file that may have a twin; return those fully hashed."""
    # Stage 2: a partial hash of every file of a size group holding a file of unknown id.
    stage2 = [f for group in candidates if any(f.content_id is None for f in group) for f in group]
    progress.add(len(stage2))
    cpus = os.cpu_count() or 1
    remote = any(f.fs is not None for f in stage2)  # waiting on the network: more threads
    n_workers = workers or (min(32, cpus + 4) if remote else cpus)
    try:
        with ThreadPoolExecutor(n_workers, thread_name_prefix="mlm-duplicates") as pool:
            keys = dict(zip(stage2, _map(pool, _first_pass, stage2, progress, True), strict=True))
            # Stage 3: the full blake3 of files whose partial hash is not unique.
            stage3: list[_File] = []
            for group in candidates:
                by_key: dict[bytes | None, list[_File]] = defaultdict(list)
                for f in group:
                    by_key[keys.get(f)].append(f)
                for key, same in by_key.items():
                    if key is not None and len(same) > 1:
                        stage3.extend(f for f in same if f.content_id is None)
            progress.add(len(stage3))
            ids = _map(pool, _full_hash, stage3, progress, False)
    finally:
        progress.close()
    for f, content_id in zip(stage3, ids, strict=True):
        f.content_id = content_id
    return stage3


def _groups(candidates: list[list[_File]]) -> tuple[DuplicateGroup, ...]:
    """Files with the same size and content id, most wasted bytes first."""
    by_id: dict[tuple[int, str], list[_File]] = defaultdict(list)
    for group in candidates:
        for f in group:
            if f.content_id is not None:
                by_id[f.size, f.content_id].append(f)
    groups = [
        DuplicateGroup(size, cid, tuple(sorted(f.location for f in same)))
        for (size, cid), same in by_id.items()
        if len(same) > 1
    ]
    groups.sort(key=lambda g: (-g.wasted_bytes, g.locations[0]))
    return tuple(groups)


# --- listing -------------------------------------------------------------------------------


def _collect(
    sources: Sequence[str | os.PathLike[str]], blob_dirs: Sequence[str | os.PathLike[str]]
) -> list[_File]:
    """Every distinct file: blobs first (so a blob reached again as a plain file keeps its id)."""
    seen: set[object] = set()
    files: list[_File] = []

    def add(f: _File, key: object) -> None:
        if key not in seen:
            seen.add(key)
            files.append(f)

    for root in blob_dirs:
        for path, st, blob_id in list_blobs(os.path.abspath(os.fspath(root))):
            add(_File(path, st.st_size, st=st, content_id=blob_id), physical_identity(path, st))
    for source in sources:
        if isinstance(source, str) and (_URL.match(source) or "::" in source):
            fs, path = filesystem(source)
            if is_local(fs):
                source = path
            else:
                for url, size in list_url(fs, path, source):
                    add(_File(url, size, fs=fs), ("url", url))
                continue
        for path, st in walk_local(os.path.abspath(os.fspath(source))):
            add(_File(path, st.st_size, st=st), physical_identity(path, st))
    return files


# --- hashing -------------------------------------------------------------------------------


def _first_pass(f: _File) -> bytes | None:
    """The partial hash: xxh3-128 of the size, the first and the last 64 KiB (of the whole file
    up to 128 KiB). None if the file changed size since it was listed (it is then left out)."""
    try:
        if f.size <= 2 * EDGE:
            head = _read_all(f)
            tail = b""
            if len(head) != f.size:
                return None
            if f.fs is not None and f.content_id is None:  # spares a second download
                f.content_id = blake3_hex(head)
        else:
            head, tail = _read_edges(f)
            if len(head) != EDGE or len(tail) != EDGE:
                return None
    except OSError as err:
        reraise(err, f"cannot read {f.location}")
    if not tail:
        return xxhash.xxh3_128_digest(head, seed=f.size)  # the size is the seed
    h = xxhash.xxh3_128(head, seed=f.size)
    h.update(tail)
    return h.digest()


def _read_all(f: _File) -> bytes:
    if f.fs is not None:
        return bytes(f.fs.cat_file(f.location))
    fd = os.open(f.location, _READ_FLAGS)  # lighter than open() for many small files
    try:
        return _read_fd(fd, f.size)  # a file grown since: caught by the full hash's stat
    finally:
        os.close(fd)


def _read_edges(f: _File) -> tuple[bytes, bytes]:
    if f.fs is not None:
        head = f.fs.cat_file(f.location, start=0, end=EDGE)
        tail = f.fs.cat_file(f.location, start=f.size - EDGE, end=f.size)
        return bytes(head), bytes(tail)
    fd = os.open(f.location, _READ_FLAGS)
    try:
        head = _read_fd(fd, EDGE)
        os.lseek(fd, f.size - EDGE, os.SEEK_SET)
        return head, _read_fd(fd, EDGE)
    finally:
        os.close(fd)


def _read_fd(fd: int, n: int) -> bytes:
    """Up to ``n`` bytes (fewer only at the end of the file)."""
    data = os.read(fd, n)  # all of it, from a regular file, nearly always
    if len(data) < n and data:
        parts = [data]
        n -= len(data)
        while n > 0 and (chunk := os.read(fd, n)):
            parts.append(chunk)
            n -= len(chunk)
        data = b"".join(parts)
    return data


def _full_hash(f: _File) -> str | None:
    """The blake3 of a whole file; None if its size changed since it was listed."""
    try:
        if f.fs is not None:
            with f.fs.open(f.location, "rb") as fh:
                return _stream_blake3(fh, f.size)
        content_id, f.st = hash_file(f.location)
        return content_id if f.st.st_size == f.size else None
    except OSError as err:
        reraise(err, f"cannot read {f.location}")


def _stream_blake3(fh: Any, size: int) -> str | None:
    hasher = blake3.blake3()
    n = 0
    while chunk := fh.read(CHUNK):
        hasher.update(chunk)
        n += len(chunk)
    return hasher.hexdigest() if n == size else None


# --- plumbing ------------------------------------------------------------------------------


def _map(
    pool: ThreadPoolExecutor,
    fn: Callable[[_File], T],
    files: list[_File],
    progress: _Progress,
    partial: bool,
) -> list[T]:
    """``[fn(f) for f in files]`` on the pool, a batch of small files per task."""
    batches: list[list[_File]] = []
    batch: list[_File] = []
    batch_bytes = 0
    for f in files:
        batch.append(f)
        batch_bytes += f.size
        if len(batch) >= _BATCH_FILES or batch_bytes >= _BATCH_BYTES:
            batches.append(batch)
            batch, batch_bytes = [], 0
    if batch:
        batches.append(batch)
    futures: list[Future[list[T]]] = [pool.submit(lambda b: [fn(f) for f in b], b) for b in batches]
    out: list[T] = []
    try:
        for fut, b in zip(futures, batches, strict=True):
            out.extend(fut.result())
            read = sum(min(f.size, 2 * EDGE) if partial else f.size for f in b)
            progress.done(len(b), read)
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return out


class _Progress:
    """A tqdm bar (``True``) or a ``callback(bytes_done, files_done)``, or nothing."""

    def __init__(self, progress: bool | Callable[[int, int], None] | None) -> None:
        self.callback = progress if callable(progress) else None
        self.bar: Any = None
        if progress is True:
            from .progress import make_tqdm

            self.bar = make_tqdm(total=0, unit="file", desc="finding duplicates")
        self.files = self.bytes = 0

    def add(self, files: int) -> None:
        if self.bar is not None:
            self.bar.total += files
            self.bar.refresh()

    def done(self, files: int, nbytes: int) -> None:
        self.files += files
        self.bytes += nbytes
        if self.bar is not None:
            self.bar.update(files)
        if self.callback is not None:
            self.callback(self.bytes, self.files)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _open_cache(cache: HashCache | bool | None) -> tuple[HashCache | None, bool]:
    """The cache to use and whether this call opened it (and must close it)."""
    if cache is False:
        return None, False
    if cache is None or cache is True:
        from .hashcache import HashCache

        return HashCache.default(), True
    return cache, False
