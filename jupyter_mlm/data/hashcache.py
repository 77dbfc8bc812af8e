"""A stat cache of file hashes, so unchanged files are never read again.

One SQLite table keyed by the absolute path's bytes (``os.fsencode``, so any file name works)
holds the size, mtime_ns, inode and device seen when the file was hashed, the hash, and
``recorded_at_ns``: a time taken *before* the file was read. A lookup returns the hash only if
the four stat fields still match and the file is not "racily clean": its mtime must be older
than ``recorded_at_ns - RACY_WINDOW_NS``. Otherwise a write landing in the same timestamp tick
as our read (file systems stamp mtimes with a coarse clock) would leave the stat unchanged and
the stale hash would be trusted; such files are simply hashed again next time (and then
cached for good). Filesystems with coarser stamps than the window (FAT: 2 s) are not covered.

The cache never makes hashing fail: a corrupt database file is renamed aside (with a
warning) and a new one started; any other database error is warned about and treated as a
miss. Writes are batched in transactions, so an interrupted write leaves the cache as it was.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from .filehash import StrPath

RACY_WINDOW_NS = 100_000_000  # 100 ms
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files_v2 (
    path BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    dev INTEGER NOT NULL,
    hash TEXT NOT NULL,
    recorded_at_ns INTEGER NOT NULL,
    sig BLOB NOT NULL  -- size, mtime_ns, ino, dev packed: one column to compare on lookup
) WITHOUT ROWID
"""
# A whole folder's result, keyed by root (+ pattern) and a digest of every file's path and
# stat: when nothing under the folder changed, one row replaces ten thousand lookups.
_SNAPSHOT_SCHEMA = """
CREATE TABLE IF NOT EXISTS folder_snapshots (
    root BLOB PRIMARY KEY,
    stat_digest BLOB NOT NULL,
    content_id TEXT NOT NULL,
    manifest BLOB NOT NULL,
    recorded_at_ns INTEGER NOT NULL,
    max_mtime_ns INTEGER NOT NULL
) WITHOUT ROWID
"""
# Rows that may be trusted (not racily clean). A hit needs st_mtime_ns == mtime_ns, so this
# depends on the row alone and is filtered in SQL.
_TRUSTED = f"mtime_ns < recorded_at_ns - {RACY_WINDOW_NS}"
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_CHUNK = 500  # paths per "IN (...)" query
_T = TypeVar("_T")
_Row = tuple[bytes, bytes, str]  # path, sig, hash
_SIG = struct.Struct("<qqQQ")  # size, mtime_ns, ino, dev
_SEP = os.fsencode(os.sep)
_ABS = b"/" if os.name == "posix" else None  # a bytes path starting with it is absolute


class HashCache:
    """``path + stat -> blake3 hex`` for files hashed before. Thread-safe; use ``close()``."""

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.db_path = Path(db_path)
        self._lock = threading.Lock()
        self._conn = self._open()

    @classmethod
    def default(cls) -> HashCache:
        """The per-user cache: ``$XDG_CACHE_HOME/jupyter-mlm/hashcache.db`` (~/.cache/...)."""
        base = os.environ.get("XDG_CACHE_HOME", "")
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
        return cls(root / "jupyter-mlm" / "hashcache.db")

    # -- queries ---------------------------------------------------------------------------

    def lookup(self, path: StrPath, st: os.stat_result) -> str | None:
        """The cached hash of ``path`` if it is unchanged since it was hashed, else None."""
        return self.lookup_many([(path, st)])[0]

    def lookup_many(
        self, items: Iterable[tuple[StrPath, os.stat_result]], *, under: StrPath | None = None
    ) -> list[str | None]:
        """``lookup`` for many files at once (one result per item, in order).

        With ``under`` (a folder holding every path), all rows below it are loaded in one
        query; otherwise the paths are looked up in chunks.
        """
        items = items if isinstance(items, list) else list(items)
        if not items:
            return []
        empty: dict[bytes, _Row] = {}
        if under is not None:
            prefix = _key(under).rstrip(_SEP) + _SEP
            rows = self._guard(lambda: self._rows_under(prefix), empty)
        else:
            rows = self._guard(lambda: self._rows_for([_key(p) for p, _ in items]), empty)
        out: list[str | None] = []
        get, pack = rows.get, _SIG.pack
        for p, st in items:
            row = get(p if type(p) is bytes and p[:1] == _ABS else _key(p))  # _key, inlined
            if row is not None and row[1] == pack(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev):
                out.append(row[2])
            else:
                out.append(None)
        return out

    def record(
        self,
        entries: Iterable[tuple[StrPath, os.stat_result, str]],
        *,
        observed_at_ns: int | None = None,
    ) -> None:
        """Remember hashes, in one transaction. ``observed_at_ns`` (``time.time_ns()``) must be
        taken before the files were read; by default it is now, i.e. the caller read them
        just before (within the racy window)."""
        at = time.time_ns() if observed_at_ns is None else observed_at_ns
        rows = [
            (_key(p), st.st_size, st.st_mtime_ns, _i64(st.st_ino), _i64(st.st_dev), h, at, _sig(st))
            for p, st, h in entries
        ]
        if rows:
            self._guard(lambda: self._write(rows), None)

    def snapshot(self, root: bytes, stat_digest: bytes) -> tuple[str, bytes] | None:
        """(content id, manifest) stored for ``root`` when its files had ``stat_digest``, if
        none of them was modified within the racy window before it was recorded."""

        def query() -> tuple[str, bytes] | None:
            with self._lock:
                row = self._conn.execute(
                    "SELECT content_id, manifest FROM folder_snapshots WHERE root = ? AND "
                    f"stat_digest = ? AND max_mtime_ns < recorded_at_ns - {RACY_WINDOW_NS}",
                    (root, stat_digest),
                ).fetchone()
            return None if row is None else (row[0], row[1])

        return self._guard(query, None)

    def record_snapshot(
        self,
        root: bytes,
        stat_digest: bytes,
        content_id: str,
        manifest: bytes,
        *,
        observed_at_ns: int,
        max_mtime_ns: int,
    ) -> None:
        """Remember a folder's result (``observed_at_ns``: taken before any file was read)."""
        row = (root, stat_digest, content_id, manifest, observed_at_ns, max_mtime_ns)

        def write() -> None:
            with self._lock:
                self._conn.execute(
                    "INSERT OR REPLACE INTO folder_snapshots VALUES (?,?,?,?,?,?)", row
                )

        self._guard(write, None)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> HashCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------

    def _rows_under(self, prefix: bytes) -> dict[bytes, _Row]:
        upper = prefix[:-1] + bytes([prefix[-1] + 1])  # keys starting with prefix sort below
        with self._lock:
            cur = self._conn.execute(
                f"SELECT path, sig, hash FROM files_v2 WHERE path >= ? AND path < ? AND {_TRUSTED}",
                (prefix, upper),
            )
            return {r[0]: r for r in cur}

    def _rows_for(self, keys: list[bytes]) -> dict[bytes, _Row]:
        out: dict[bytes, _Row] = {}
        with self._lock:
            for lo in range(0, len(keys), _CHUNK):
                chunk = keys[lo : lo + _CHUNK]
                cur = self._conn.execute(
                    f"SELECT path, sig, hash FROM files_v2 WHERE {_TRUSTED} "
                    f"AND path IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                out.update((r[0], r) for r in cur)
        return out

    def _write(self, rows: list[tuple[bytes, int, int, int, int, str, int, bytes]]) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO files_v2 VALUES (?,?,?,?,?,?,?,?)", rows
                )
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _guard(self, op: Callable[[], _T], fallback: _T) -> _T:
        """Run a database operation; on failure warn (recover a corrupt file) and fall back."""
        try:
            return op()
        except sqlite3.DatabaseError as exc:
            if _is_corrupt(exc):
                self._recover(exc)
            else:
                _warn(f"hash cache {self.db_path} unusable ({exc}); hashing without it")
            return fallback

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect(self.db_path)
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                _warn(f"cannot open hash cache {self.db_path} ({exc}); using a temporary one")
                return self._connect(":memory:")
            aside = self._move_aside()
            _warn(
                f"hash cache {self.db_path} was corrupt ({exc}); moved it to {aside} "
                "and started a new one"
            )
        try:
            return self._connect(self.db_path)
        except (OSError, sqlite3.Error) as exc:
            _warn(f"cannot open hash cache {self.db_path} ({exc}); using a temporary one")
            return self._connect(":memory:")

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        with self._lock:
            self._conn.close()
            aside = self._move_aside()
            _warn(
                f"hash cache {self.db_path} was corrupt ({exc}); moved it to {aside} "
                "and started a new one"
            )
            try:
                self._conn = self._connect(self.db_path)
            except (OSError, sqlite3.Error) as again:
                _warn(f"cannot open hash cache {self.db_path} ({again}); using a temporary one")
                self._conn = self._connect(":memory:")

    def _connect(self, where: Path | str) -> sqlite3.Connection:
        if isinstance(where, Path):
            try:
                where.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise sqlite3.OperationalError(f"cannot create {where.parent}: {exc}") from exc
        conn = sqlite3.connect(where, isolation_level=None, check_same_thread=False, timeout=10)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("DROP TABLE IF EXISTS files_v1")  # an older layout
            conn.execute(_SCHEMA)
            conn.execute(_SNAPSHOT_SCHEMA)
        except BaseException:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> Path:
        """Rename the database (and its -wal/-shm files) out of the way; return the new name."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.db_path.with_name(f"{self.db_path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.db_path}{suffix}")
            try:
                if suffix == "-shm":
                    src.unlink(missing_ok=True)
                elif src.exists():
                    os.replace(src, f"{aside}{suffix}")
            except OSError:
                pass
        return aside


def _key(path: StrPath) -> bytes:
    """The absolute path's bytes; an absolute ``bytes`` path is taken as given (fast path)."""
    if type(path) is bytes and path[:1] == _ABS:
        return path
    return os.fsencode(os.path.abspath(path))


def _i64(n: int) -> int:
    """An unsigned 64-bit stat field (inode, device) as SQLite's signed INTEGER."""
    return n - (1 << 64) if n >= 1 << 63 else n


def _sig(st: os.stat_result) -> bytes:
    return _SIG.pack(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)  # Python >= 3.11
    if code is not None:
        return (code & 0xFF) in _CORRUPT_CODES
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)
