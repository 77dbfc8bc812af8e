"""A folder's content id: blake3 of a canonical manifest of its files (path, size, hash).

``hash_folder`` walks the folder (``os.scandir``), following symlinks to files and folders
(a link back to one of its own ancestors raises OSError(ELOOP) naming it). Every regular file
is included, hidden ones (``.name``) too; nothing is skipped silently: a broken symlink, a
FIFO/socket/device or an unreadable entry raises an OSError naming it. ``pattern`` keeps only
the files whose relative path matches a glob (``*`` and ``?`` stay within one folder, ``**``
spans folders, ``[...]`` classes; dot files match like any name), e.g. ``"**/*.csv"``.

The id depends only on the relative paths, sizes and contents, never on the order the
filesystem lists files in, nor on where the folder lives.
"""

from __future__ import annotations

import concurrent.futures as cf
import errno
import json
import os
import re
import stat
import struct
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import blake3

from .filehash import SMALL_FILE, StrPath, hash_file
from .hashcache import HashCache

FLUSH_SECONDS = 2.0  # record new hashes in the cache at least this often...
FLUSH_FILES = 5000  # ...or after this many
MAX_WORKERS = 8  # threads for small files at most (see _hash_misses)
SLOW_FILE_NS = 150_000  # a small file taking longer than this to hash is waiting on storage
_BATCH_FILES = 64  # small files per worker task
_BATCH_BYTES = 8 << 20
_SEP = os.fsencode(os.sep)
_STAT = struct.Struct("<qqQQ")  # size, mtime_ns, inode, device
_U64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of a folder: relative POSIX path (undecodable bytes kept as surrogateescape
    characters, as ``os.fsdecode`` gives them), size in bytes and blake3 hex."""

    path: str
    size: int
    hash: str


@dataclass(frozen=True, slots=True)
class FolderDigest:
    """The result of ``hash_folder``: the content id and the files it covers."""

    content_id: str
    entries: tuple[FileEntry, ...]  # sorted by path bytes
    total_bytes: int
    files_hashed: int  # read this time
    files_cached: int  # unchanged since hashed before: taken from the cache


def manifest_id(entries: Iterable[FileEntry]) -> str:
    """blake3 hex of ``relpath NUL size NUL hash LF`` for every entry, sorted by path bytes
    (``os.fsencode``). Unambiguous: paths hold no NUL and hashes have a fixed length."""
    return _manifest_sorted(sorted(entries, key=lambda e: os.fsencode(e.path)))


def _manifest_sorted(entries: Sequence[FileEntry]) -> str:
    hasher = blake3.blake3()
    for lo in range(0, len(entries), 10_000):  # the encoding works per character: encode once
        text = "".join([f"{e.path}\0{e.size}\0{e.hash}\n" for e in entries[lo : lo + 10_000]])
        hasher.update(os.fsencode(text))
    return hasher.hexdigest()


def hash_folder(
    root: StrPath,
    *,
    cache: HashCache | None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    pattern: str | None = None,
) -> FolderDigest:
    """Hash every file under ``root`` (or those matching ``pattern``) and return the digest.

    Unchanged files come from ``cache`` (looked up in bulk); the others are hashed on
    ``workers`` threads (small files in batches; large ones one at a time, each on all
    cores) and recorded in the cache every few seconds and at the end, also when interrupted
    (KeyboardInterrupt or an error: pending work is cancelled, what finished is kept, the
    exception re-raised). ``progress(bytes_done, files_done)`` is called on this thread,
    cached files included.
    """
    root_b = os.fsencode(os.path.abspath(os.fspath(root)))
    try:
        st_root = os.stat(root_b)
    except OSError as exc:
        raise _with_path(exc, root_b, "cannot read") from exc
    if not stat.S_ISDIR(st_root.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", os.fsdecode(root_b))
    n = len(root_b.rstrip(_SEP)) + 1  # path[n:] is the relative path
    match = _glob_regex(pattern).fullmatch if pattern else None
    # Walked as bytes: a file's path is its cache key as is, and sorting the absolute paths
    # sorts the relative ones (same prefix).
    started_ns = time.time_ns()  # before any file is read: what the cache may trust
    found: list[_Found] = []
    _walk(root_b, n, {(st_root.st_dev, st_root.st_ino): "."}, match, found)
    found.sort()
    snap_key = root_b + b"\0" + (pattern or "").encode()
    stat_digest = _stat_digest(found)
    if cache is not None:
        hit = cache.snapshot(snap_key, stat_digest)
        if hit is not None:
            unchanged = _from_snapshot(*hit)
            if progress is not None:
                progress(unchanged.total_bytes, len(unchanged.entries))
            return unchanged

    results: dict[bytes, tuple[int, str]] = {}
    misses: list[_Found] = []
    cached = cache.lookup_many(found, under=root_b) if cache is not None else [None] * len(found)
    for f, digest in zip(found, cached, strict=True):
        if digest is None:
            misses.append(f)
        else:
            results[f[0]] = (f[1].st_size, digest)
    n_cached = len(results)
    if progress is not None:
        progress(sum(s for s, _ in results.values()), n_cached)
    if misses:
        _hash_misses(misses, results, cache, workers, progress)
    enc, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # os.fsdecode
    entries = tuple([FileEntry(f[0][n:].decode(enc, errors), *results[f[0]]) for f in found])
    if os.sep != "/":  # POSIX relative paths, in their own order
        entries = tuple(
            sorted(
                (FileEntry(e.path.replace(os.sep, "/"), e.size, e.hash) for e in entries),
                key=lambda e: os.fsencode(e.path),
            )
        )
    result = FolderDigest(
        content_id=_manifest_sorted(entries),  # already sorted by path bytes
        entries=entries,
        total_bytes=sum(e.size for e in entries),
        files_hashed=len(misses),
        files_cached=n_cached,
    )
    if cache is not None:
        manifest = json.dumps([[e.path, e.size, e.hash] for e in entries], separators=(",", ":"))
        cache.record_snapshot(
            snap_key,
            stat_digest,
            result.content_id,
            manifest.encode("utf-8", "surrogatepass"),
            observed_at_ns=started_ns,
            max_mtime_ns=max((f[1].st_mtime_ns for f in found), default=0),
        )
    return result


def _stat_digest(found: list[_Found]) -> bytes:
    """blake3 of every path with its size, mtime, inode and device: changes when any does."""
    pack = _STAT.pack
    data = b"".join(
        [p + pack(s.st_size, s.st_mtime_ns, s.st_ino & _U64, s.st_dev & _U64) for p, s in found]
    )
    return bytes(blake3.blake3(data).digest())


def _from_snapshot(content_id: str, manifest: bytes) -> FolderDigest:
    rows = json.loads(manifest.decode("utf-8", "surrogatepass"))
    entries = tuple([FileEntry(p, s, h) for p, s, h in rows])
    return FolderDigest(
        content_id=content_id,
        entries=entries,
        total_bytes=sum(e.size for e in entries),
        files_hashed=0,
        files_cached=len(entries),
    )


# -- walking -------------------------------------------------------------------------------

_Found = tuple[bytes, os.stat_result]  # absolute path, stat


def _walk(
    folder: bytes,
    n: int,
    ancestors: dict[tuple[int, int], str],
    match: Callable[[str], object] | None,
    out: list[_Found],
) -> None:
    """Append every file below ``folder`` to ``out``; ``path[n:]`` is relative to the root."""
    try:
        with os.scandir(folder) as it:
            listing = list(it)
    except OSError as exc:
        raise _with_path(exc, folder, "cannot list folder") from exc
    for entry in listing:
        try:
            if entry.is_file():
                if match is None or match(os.fsdecode(entry.path[n:])):
                    out.append((entry.path, entry.stat()))
                continue
            is_dir = entry.is_dir()
            st = entry.stat() if is_dir else None
        except OSError as exc:
            raise _with_path(exc, entry.path, "cannot read") from exc
        if st is None:
            _check_other(entry)
            continue
        ident = (st.st_dev, st.st_ino)
        rel = os.fsdecode(entry.path[n:])
        if ident in ancestors:
            raise OSError(
                errno.ELOOP,
                f"symlink loop: {rel} -> {os.fsdecode(os.readlink(entry.path))} leads back to "
                f"{ancestors[ident]!r}",
                os.fsdecode(entry.path),
            )
        ancestors[ident] = rel
        _walk(entry.path, n, ancestors, match, out)
        del ancestors[ident]


def _check_other(entry: os.DirEntry[bytes]) -> None:
    """Raise the error that explains why ``entry`` is neither a file nor a folder."""
    shown = os.fsdecode(entry.path)
    try:
        st = entry.stat()
    except FileNotFoundError as exc:
        if entry.is_symlink():
            target = os.fsdecode(os.readlink(entry.path))
            raise FileNotFoundError(errno.ENOENT, f"broken symlink (-> {target})", shown) from exc
        raise _with_path(exc, entry.path, "vanished while listing") from exc
    except OSError as exc:
        raise _with_path(exc, entry.path, "cannot read") from exc
    kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "not a regular file or folder"
    raise OSError(errno.EINVAL, f"cannot hash {kind}", shown)


def _with_path(exc: OSError, path: bytes, what: str) -> OSError:
    """``exc`` (same type) naming ``path`` as text."""
    shown = os.fsdecode(path)
    if isinstance(exc.filename, str) and exc.filename == shown:
        return exc
    return type(exc)(exc.errno, f"{what}: {exc.strerror or exc}", shown)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over relative POSIX paths as a regex (see the module docstring)."""
    pat = pattern.replace(os.sep, "/")
    while pat.startswith("./"):
        pat = pat[2:]
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pat.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        i += 1
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + (pat[i : i + 1] in ("!", "^"))
            j += pat[j : j + 1] == "]"
            j = pat.find("]", j)
            if j < 0:
                out.append(re.escape(c))
                continue
            body = pat[i:j].replace("\\", "\\\\")
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            i = j + 1
        else:
            out.append(re.escape(c))
    return re.compile("".join(out), re.DOTALL)


# -- hashing -------------------------------------------------------------------------------


def _batches(misses: list[_Found]) -> tuple[list[list[_Found]], list[_Found]]:
    """Small files grouped into batches, and the large files (each hashed on its own)."""
    batches: list[list[_Found]] = []
    large: list[_Found] = []
    current: list[_Found] = []
    size = 0
    for item in misses:
        if item[1].st_size >= SMALL_FILE:
            large.append(item)
            continue
        current.append(item)
        size += item[1].st_size
        if len(current) >= _BATCH_FILES or size >= _BATCH_BYTES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches, large


# (time.time_ns() at start, perf_counter_ns it took, [(path, hash, stat)])
_Done = tuple[int, int, list[tuple[bytes, str, os.stat_result]]]


def _hash_batch(items: list[_Found], threads: bool) -> _Done:
    started = time.time_ns()  # before any file is read: the cache's racy-clean reference
    t0 = time.perf_counter_ns()
    out = []
    for path, _ in items:
        digest, st = hash_file(path, threads=threads)
        out.append((path, digest, st))
    return started, time.perf_counter_ns() - t0, out


def _hash_misses(
    misses: list[_Found],
    results: dict[bytes, tuple[int, str]],
    cache: HashCache | None,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> None:
    batches, large = _batches(misses)
    # Threads for small files: on page-cache-warm local files one is fastest (more just fight
    # over the GIL); on cold or remote storage more keep more reads in flight. So unless
    # ``workers`` is given, start with one and add one whenever files read slowly.
    n_workers = max(1, workers or MAX_WORKERS)
    limit = n_workers if workers else 1
    pending: list[tuple[StrPath, os.stat_result, str]] = []
    oldest = 0  # started_ns of the oldest unrecorded batch

    def flush() -> None:
        if cache is not None and pending:
            cache.record(pending, observed_at_ns=oldest)
        pending.clear()

    def take(done: _Done) -> None:
        nonlocal oldest
        started, _, rows = done
        oldest = min(oldest, started) if pending else started
        for path, digest, st in rows:
            results[path] = (st.st_size, digest)
            pending.append((path, st, digest))

    pools = (
        cf.ThreadPoolExecutor(n_workers, thread_name_prefix="mlm-hash"),
        cf.ThreadPoolExecutor(1, thread_name_prefix="mlm-hash-large"),
    )
    queues = ((iter(batches), False), (iter([[x] for x in large]), True))
    inflight: dict[cf.Future[_Done], int] = {}  # future -> index of its pool/queue

    def submit(q: int) -> None:
        job = next(queues[q][0], None)
        if job is not None:
            inflight[pools[q].submit(_hash_batch, job, queues[q][1])] = q

    bytes_done = sum(s for s, _ in results.values())
    files_done = len(results)
    last_flush = time.monotonic()
    try:
        for _ in range(limit):
            submit(0)
        for _ in range(2):  # one hashing, one queued
            submit(1)
        while inflight:
            done, _ = cf.wait(list(inflight), timeout=0.5, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                result = fut.result()  # re-raises a worker's error (it names the file)
                take(result)
                q = inflight.pop(fut)
                submit(q)
                if q == 0 and limit < n_workers and result[1] > SLOW_FILE_NS * len(result[2]):
                    limit += 1  # files read slowly: one more thread
                    submit(0)
                bytes_done += sum(st.st_size for _, _, st in result[2])
                files_done += len(result[2])
            if progress is not None and done:
                progress(bytes_done, files_done)
            if len(pending) >= FLUSH_FILES or time.monotonic() - last_flush >= FLUSH_SECONDS:
                flush()
                last_flush = time.monotonic()
    except BaseException:
        for fut in inflight:  # keep what finished, drop what did not start
            if not fut.cancel() and fut.done() and fut.exception() is None:
                take(fut.result())
        for pool in pools:  # a file being hashed right now finishes in the background
            pool.shutdown(wait=False, cancel_futures=True)
        flush()
        raise
    for pool in pools:
        pool.shutdown()
    flush()
