"""Content-addressed blob storage: blake3 ids (64 hex chars), written atomically, read-only,
deduplicated. The local backend keeps ``ab/cdef…`` files under one folder."""

from __future__ import annotations

import abc
import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from ..core.errors import NotFoundError, StoreError
from ..core.hashing import blake3_hex

CHUNK = 1 << 20
_BLOB_ID = re.compile(r"^[0-9a-f]{64}$")


def hash_bytes(data: bytes | memoryview) -> str:
    """The project's content id of ``data``."""
    return blake3_hex(data)


def check_blob_id(blob_id: str) -> str:
    if not isinstance(blob_id, str) or not _BLOB_ID.match(blob_id):
        raise ValueError(f"not a blob id (64 lowercase hex characters): {blob_id!r}")
    return blob_id


class BlobStore(abc.ABC):
    """Where blobs live. Every method takes or returns blake3 content ids."""

    uri: str

    @abc.abstractmethod
    def put_bytes(self, data: bytes) -> str:
        """Store ``data`` (a no-op when already stored) and return its id."""

    @abc.abstractmethod
    def put_file(self, path: str | os.PathLike[str]) -> tuple[str, int]:
        """Store the file's content, streaming it; return (id, size)."""

    @abc.abstractmethod
    def open(self, blob_id: str) -> BinaryIO:
        """A readable binary file of the blob; NotFoundError if absent."""

    @abc.abstractmethod
    def exists(self, blob_id: str) -> bool: ...

    @abc.abstractmethod
    def delete(self, blob_id: str, *, if_older_than: float | None = None) -> bool:
        """Remove a blob (only if last touched before ``if_older_than``); True if removed."""

    @abc.abstractmethod
    def iter_blobs(self) -> Iterator[tuple[str, int, float]]:
        """Every stored blob as (id, size, mtime)."""

    def get_bytes(self, blob_id: str) -> bytes:
        with self.open(blob_id) as fh:
            return fh.read()


class LocalBlobStore(BlobStore):
    """Blobs as read-only files ``ROOT/ab/cdef…``; temporary files live in ``ROOT/tmp``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.uri = self.root.as_uri()

    @classmethod
    def from_uri(cls, uri: str) -> LocalBlobStore:
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise StoreError(f"unsupported blob store URI {uri!r}; use file:///PATH")
        return cls(unquote(parts.path))

    def path(self, blob_id: str) -> Path:
        check_blob_id(blob_id)
        return self.root / blob_id[:2] / blob_id[2:]

    def put_bytes(self, data: bytes) -> str:
        blob_id = hash_bytes(data)
        if not self._refresh(blob_id):
            self._install(blob_id, lambda fh: fh.write(data))
        return blob_id

    def put_file(self, path: str | os.PathLike[str]) -> tuple[str, int]:
        import blake3

        src = Path(path)
        try:
            fh = open(src, "rb")  # noqa: SIM115 - closed below
        except OSError as err:
            raise StoreError(f"cannot read {src}: {err.strerror}") from err
        tmp = self._temp()
        hasher = blake3.blake3()
        size = 0
        try:
            with fh, os.fdopen(tmp[0], "wb") as out:
                while chunk := fh.read(CHUNK):
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            blob_id = hasher.hexdigest()
            if self._refresh(blob_id):
                os.unlink(tmp[1])
            else:
                self._place(tmp[1], blob_id)
        except BaseException:
            _unlink_quietly(tmp[1])
            raise
        return blob_id, size

    def open(self, blob_id: str) -> BinaryIO:
        try:
            return open(self.path(blob_id), "rb")
        except FileNotFoundError:
            raise NotFoundError(f"blob {blob_id} is not in the blob store {self.uri}") from None

    def exists(self, blob_id: str) -> bool:
        return self.path(blob_id).is_file()

    def delete(self, blob_id: str, *, if_older_than: float | None = None) -> bool:
        path = self.path(blob_id)
        try:
            if if_older_than is not None and path.stat().st_mtime >= if_older_than:
                return False
            path.unlink()
            return True
        except FileNotFoundError:
            return False

    def iter_blobs(self) -> Iterator[tuple[str, int, float]]:
        if not self.root.is_dir():
            return
        for prefix in sorted(os.scandir(self.root), key=lambda e: e.name):
            if len(prefix.name) != 2 or not prefix.is_dir():
                continue
            for entry in os.scandir(prefix.path):
                blob_id = prefix.name + entry.name
                if _BLOB_ID.match(blob_id):
                    st = entry.stat()
                    yield blob_id, st.st_size, st.st_mtime

    def _refresh(self, blob_id: str) -> bool:
        """True if the blob exists; touching it keeps ``gc`` from taking a blob being re-used."""
        try:
            os.utime(self.path(blob_id))
            return True
        except FileNotFoundError:
            return False
        except PermissionError:
            return self.path(blob_id).is_file()

    def _temp(self) -> tuple[int, str]:
        tmp_dir = self.root / "tmp"
        try:
            tmp_dir.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(dir=tmp_dir, prefix=f"{os.getpid()}-")
        except OSError as err:
            raise StoreError(f"cannot write to the blob store {self.root}: {err.strerror}") from err

    def _install(self, blob_id: str, write) -> None:  # write: Callable[[BinaryIO], object]
        fd, tmp = self._temp()
        try:
            with os.fdopen(fd, "wb") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            self._place(tmp, blob_id)
        except BaseException:
            _unlink_quietly(tmp)
            raise

    def _place(self, tmp: str, blob_id: str) -> None:
        target = self.path(blob_id)
        try:
            target.parent.mkdir(exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)  # atomic; a concurrent writer of the same id is harmless
        except OSError as err:
            raise StoreError(f"cannot write blob {blob_id} to {self.root}: {err.strerror}") from err


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def stale_temp_files(root: Path, older_than: float) -> Iterator[Path]:
    """Temporary files left by writers that died (older than ``older_than``)."""
    tmp_dir = root / "tmp"
    if tmp_dir.is_dir():
        for entry in os.scandir(tmp_dir):
            if entry.stat().st_mtime < older_than:
                yield Path(entry.path)
