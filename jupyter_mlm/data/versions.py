"""``DatasetVersion``: a recorded version of some data, with its lineage to runs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..core.entities import DatasetUse, DatasetVersionInfo, RunList
from .sources import Described, describe

if TYPE_CHECKING:
    from ..store.base import Store
    from .diff import DatasetDiff


class DatasetVersion:
    """One version of a dataset in a store. ``content_id`` is the same for the same data
    wherever it lives; any changed byte gives a new one."""

    def __init__(self, info: DatasetVersionInfo, store: Store) -> None:
        self.info = info
        self._store = store

    content_id = property(lambda self: self.info.content_id)
    id = content_id
    name = property(lambda self: self.info.name)
    kind = property(lambda self: self.info.kind)
    source = property(lambda self: self.info.source)
    file_count = property(lambda self: self.info.file_count)
    bytes = property(lambda self: self.info.bytes)
    schema = property(lambda self: self.info.schema)
    created_at = property(lambda self: self.info.created_at)

    def __repr__(self) -> str:
        what = (
            f"{self.file_count} file(s)"
            if self.kind in ("file", "folder")
            else f"{self.file_count} row(s)"
        )
        return (f"<DatasetVersion {self.name!r} {self.kind}, {what}, {self.bytes} bytes, "
                f"id {self.content_id[:12]}…>")  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatasetVersion) and other.info == self.info

    def __hash__(self) -> int:
        return hash((self.content_id, self.name))

    def manifest(self) -> list[dict[str, Any]]:
        """The files of a folder version: path, size, content id."""
        if self.info.manifest_blob is None:
            return [{"path": self.name, "size": self.bytes, "content_id": self.content_id}]
        rows = json.loads(self._store.blobs.get_bytes(self.info.manifest_blob))
        return [{"path": p, "size": s, "content_id": h} for p, s, h in rows]

    def runs(self) -> RunList:
        """Runs that read or wrote this content (under any name)."""
        return RunList(self._store.queries.search(dataset=self.content_id, include_archived=True))

    def uses(self) -> list[DatasetUse]:
        return self._store.datasets.uses(content_id=self.content_id)

    def diff(self, other: Any) -> DatasetDiff:
        return diff(self, other, store=self._store)


def record(described: Described, store: Store) -> DatasetVersion:
    """Store a described version: its manifest and row hashes as blobs, then the row."""
    info = described.info
    if described.manifest is not None:
        blob = store.blobs.put_bytes(json.dumps(described.manifest, separators=(",", ":")).encode())
        info = _replace(info, manifest_blob=blob)
    if described.row_hashes:
        info = _replace(info, rows_blob=store.blobs.put_bytes(described.row_hashes))
    return DatasetVersion(store.datasets.record(info), store)


def resolve(source: Any, store: Store, *, name: str | None = None) -> DatasetVersion:
    """A ``DatasetVersion`` as is, else hash and record ``source``."""
    if isinstance(source, DatasetVersion):
        return source
    return record(describe(source, name=name), store)


def diff(a: Any, b: Any, *, store: Store) -> DatasetDiff:
    """Differences from ``a`` to ``b`` (versions, stored ids/names, or sources to hash)."""
    from .diff import diff_frames, diff_manifests

    old, new = _for_diff(a, store), _for_diff(b, store)
    if old.info.kind in ("frame", "array") or new.info.kind in ("frame", "array"):
        return diff_frames(old.info.content_id, new.info.content_id, old.info.schema or {},
                           new.info.schema or {}, old.row_hashes, new.row_hashes)  # fmt: skip
    return diff_manifests(old.info.content_id, new.info.content_id, _entries(old), _entries(new))


def _for_diff(x: Any, store: Store) -> Described:
    if isinstance(x, str) and "://" not in x and not _looks_like_path(x):
        x = DatasetVersion(store.datasets.get(x), store)
    if isinstance(x, DatasetVersion):
        info = x.info
        manifest = None
        if info.manifest_blob is not None:
            manifest = [tuple(e) for e in json.loads(store.blobs.get_bytes(info.manifest_blob))]
        rows = store.blobs.get_bytes(info.rows_blob) if info.rows_blob else None
        return Described(info, manifest, rows)
    return describe(x)


def _entries(d: Described) -> list[tuple[str, int, str]]:
    if d.manifest is not None:
        return d.manifest
    return [(d.info.name, d.info.bytes, d.info.content_id)]


def _looks_like_path(text: str) -> bool:
    import os

    return os.path.exists(os.path.expanduser(text)) or "/" in text or "*" in text


def _replace(info: DatasetVersionInfo, **changes: Any) -> DatasetVersionInfo:
    import dataclasses

    return dataclasses.replace(info, **changes)
