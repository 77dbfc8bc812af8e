"""One file's content id (blake3 hex) and the stat it corresponds to.

A file is opened once; ``fstat`` before and after reading must agree (size, mtime_ns, inode,
device), otherwise it changed while being read and is hashed again (3 retries, then
``DataChangedError``). Files under ``SMALL_FILE`` bytes are read whole; larger ones are
memory-mapped and hashed by blake3 on all cores. Caveat of any mmap reader: a file truncated
by another process *while* it is being hashed can kill this process with SIGBUS.
"""

from __future__ import annotations

import errno
import mmap
import os
import stat
import time
from typing import NoReturn, TypeAlias

import blake3

from ..core.errors import MlmError
from ..core.hashing import blake3_hex

SMALL_FILE = 4 << 20  # below this, read + hash in one call; at or above, mmap + all cores
RETRIES = 3
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
StrPath: TypeAlias = "str | bytes | os.PathLike[str] | os.PathLike[bytes]"


class DataChangedError(MlmError):
    """A file kept changing while it was being hashed."""


def same_file_state(a: os.stat_result, b: os.stat_result) -> bool:
    """True when two stats describe the same, unmodified file (size, mtime, inode, device)."""
    return (
        a.st_size == b.st_size
        and a.st_mtime_ns == b.st_mtime_ns
        and a.st_ino == b.st_ino
        and a.st_dev == b.st_dev
    )


def hash_file(path: StrPath, *, threads: bool = True) -> tuple[str, os.stat_result]:
    """``(blake3 hex, stat)`` of the regular file at ``path`` (symlinks followed); the stat
    is the one taken after reading, equal to the one before.

    ``threads`` lets a large file be hashed on all cores. OSErrors keep their type
    (FileNotFoundError, PermissionError, IsADirectoryError...) and name the path; a FIFO,
    socket or device raises OSError(EINVAL); a file that keeps changing raises
    DataChangedError.
    """
    for attempt in range(RETRIES + 1):
        if attempt:
            time.sleep(0.01 * 2**attempt)  # give a writer a moment to finish
        try:
            digest, before, after = _hash_once(path, threads)
        except OSError as exc:
            named = _naming(exc, path)
            if named is exc:
                raise
            raise named from exc
        if same_file_state(before, after):
            return digest, after
    raise DataChangedError(
        f"{os.fsdecode(path)} changed while it was being hashed "
        f"({RETRIES + 1} attempts); try again once it is no longer being written"
    )


def _hash_once(path: StrPath, threads: bool) -> tuple[str, os.stat_result, os.stat_result]:
    fd = os.open(path, _OPEN_FLAGS)  # O_NONBLOCK: opening a FIFO must not hang
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            _not_a_file(before, path)
        digest = _hash_fd(fd, before.st_size, threads)
        return digest, before, os.fstat(fd)
    finally:
        os.close(fd)


def _hash_fd(fd: int, size: int, threads: bool) -> str:
    """blake3 hex of the first ``size`` bytes of the open file ``fd``."""
    if size < SMALL_FILE:
        parts = []
        remaining = size
        while remaining > 0:
            chunk = os.read(fd, remaining)
            if not chunk:  # shrank: the after-stat will differ and trigger a retry
                break
            parts.append(chunk)
            remaining -= len(chunk)
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        return blake3_hex(data)
    hasher = blake3.blake3(max_threads=blake3.blake3.AUTO if threads else 1)
    with mmap.mmap(fd, size, access=mmap.ACCESS_READ) as mapped:
        if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_SEQUENTIAL"):
            mapped.madvise(mmap.MADV_SEQUENTIAL)  # more read-ahead when not cached
        hasher.update(mapped)
    return hasher.hexdigest()


def _not_a_file(st: os.stat_result, path: StrPath) -> NoReturn:
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", os.fsdecode(path))
    kind = (
        "a FIFO"
        if stat.S_ISFIFO(st.st_mode)
        else "a socket"
        if stat.S_ISSOCK(st.st_mode)
        else "a device"
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
        else "not a regular file"
    )
    raise OSError(errno.EINVAL, f"cannot hash {kind}; only regular files", os.fsdecode(path))


def _naming(exc: OSError, path: StrPath) -> OSError:
    """``exc`` with the path in its message (same type, same errno)."""
    name = os.fsdecode(path)
    if isinstance(exc.filename, str) and exc.filename == name:
        return exc
    try:
        return type(exc)(exc.errno, f"cannot hash: {exc.strerror or exc}", name)
    except Exception:  # an OSError subclass with another constructor
        return OSError(exc.errno, f"cannot hash: {exc.strerror or exc}", name)
