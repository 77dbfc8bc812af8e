"""Turn what a user points at — a file, a folder, a glob, a data frame, an array or an fsspec
URL — into a content digest, without recording anything."""

from __future__ import annotations

import glob
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.entities import DatasetVersionInfo
from ..store.liveness import current_user
from .frames import hash_array, hash_frame, is_array, is_frame
from .progress import progress_bar
from .remote import filesystem, redact_url

CHUNK = 1 << 20
Entry = tuple[str, int, str]  # relative path, size, content id


@dataclass(frozen=True)
class Described:
    info: DatasetVersionInfo  # manifest/rows blobs not stored yet
    manifest: list[Entry] | None
    row_hashes: bytes | None


def describe(source: Any, *, name: str | None = None, progress: bool = True) -> Described:
    """The digest of ``source``; ``name`` defaults to the file/folder/URL name."""
    if is_frame(source):
        d = hash_frame(source)
        return _described(d.content_id, name or "dataframe", "frame", f"<{type(source).__module__}.DataFrame>",
                          d.schema.get("rows", 0), d.nbytes, None, d.schema, d.row_hashes)  # fmt: skip
    if is_array(source):
        d = hash_array(source)
        return _described(d.content_id, name or "array", "array", "<numpy.ndarray>",
                          d.schema["rows"], d.nbytes, None, d.schema, d.row_hashes)  # fmt: skip
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    if not isinstance(source, str):
        raise TypeError(
            f"cannot version a {type(source).__name__}: pass a path, a glob, an fsspec URL, a "
            "pandas or polars DataFrame, or a numpy array"
        )
    if "://" in source and not source.startswith("file://"):
        return _describe_url(source, name)
    if source.startswith("file://"):
        source = urlsplit(source).path
    if glob.has_magic(source):
        return _describe_glob(source, name, progress)
    path = Path(source).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {source}")
    path = path.absolute()
    if path.is_dir():
        return _describe_folder(path, name, progress)
    return _describe_file(path, name)


def _described(content_id, name, kind, source, count, nbytes, manifest, schema, rows) -> Described:
    info = DatasetVersionInfo(
        content_id=content_id, name=name, kind=kind, source=source, file_count=count,
        bytes=nbytes, created_at=time.time(), created_by=current_user(), schema=schema,
    )  # fmt: skip
    return Described(info, manifest, rows)


def _cache():
    from .hashcache import HashCache

    return HashCache.default()


def _describe_file(path: Path, name: str | None) -> Described:
    from .filehash import hash_file

    cache = _cache()
    st = path.stat()
    digest = cache.lookup(path, st)
    if digest is None:
        digest, st = hash_file(path)
        cache.record([(path, st, digest)])
    return _described(digest, name or path.name, "file", str(path), 1, st.st_size, None, None, None)


def _describe_folder(
    path: Path, name: str | None, progress: bool, pattern: str | None = None
) -> Described:
    from .folders import hash_folder

    with progress_bar(progress, f"hashing {path.name or path}") as bar:
        digest = hash_folder(path, cache=_cache(), progress=bar, pattern=pattern)
    manifest = [(e.path, e.size, e.hash) for e in digest.entries]
    source = str(path) if pattern is None else str(path / pattern)
    return _described(digest.content_id, name or (pattern and source) or path.name, "folder",
                      source, len(manifest), digest.total_bytes, manifest, None, None)  # fmt: skip


def _describe_glob(pattern: str, name: str | None, progress: bool) -> Described:
    parts = Path(pattern).expanduser().parts
    fixed = next(i for i, p in enumerate(parts) if glob.has_magic(p))
    base = Path(*parts[:fixed]) if fixed else Path(".")
    if not base.is_dir():
        raise FileNotFoundError(f"no such folder: {base} (from the pattern {pattern!r})")
    rel = str(Path(*parts[fixed:]))
    return _describe_folder(base.absolute(), name or pattern, progress, pattern=rel)


def _describe_url(url: str, name: str | None) -> Described:
    from .folders import FileEntry, manifest_id

    fs, root = filesystem(url)
    clean = redact_url(url)
    if fs.isdir(root):
        listing = fs.find(root, detail=True)
        files = sorted((p, i) for p, i in listing.items() if i.get("type", "file") == "file")
        prefix = root.rstrip("/") + "/"
        manifest = [(p[len(prefix):] if p.startswith(prefix) else p, int(i.get("size") or 0),
                     _hash_stream(fs, p)) for p, i in files]  # fmt: skip
        content_id = manifest_id([FileEntry(p, s, h) for p, s, h in manifest])
        return _described(content_id, name or _url_name(root), "folder", clean, len(manifest),
                          sum(s for _, s, _ in manifest), manifest, None, None)  # fmt: skip
    if not fs.exists(root):
        raise FileNotFoundError(f"no such file or folder: {clean}")
    size = int(fs.size(root) or 0)
    return _described(_hash_stream(fs, root), name or _url_name(root), "file", clean, 1, size,
                      None, None, None)  # fmt: skip


def _hash_stream(fs: Any, path: str) -> str:
    import blake3

    hasher = blake3.blake3()
    with fs.open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            hasher.update(chunk)
    return str(hasher.hexdigest())


def _url_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1] or path
