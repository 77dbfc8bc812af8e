"""Texts, images and artifacts of runs: content in the blob store, a row in the database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from ..core.entities import Artifact, LoggedBlob
from ..core.validation import check_key
from . import engine as db
from .blobs import BlobStore
from .repositories import FileRepository
from .run_loading import require_run
from .schema import artifacts as artifacts_t
from .schema import images as images_t
from .schema import texts as texts_t


class SqlFiles(FileRepository):
    """Texts, images and artifacts of runs (``store.files``): the content in the blob store, a
    row in the SQL database."""

    def __init__(self, engine: Engine, blobs: BlobStore) -> None:
        self.engine = engine
        self.blobs = blobs

    def add_text(self, run_id: str, name: str, text: str, step: int | None) -> LoggedBlob:
        check_key(name, "text name")
        if not isinstance(text, str):
            raise TypeError(f"text {name!r} must be a str, got {type(text).__name__}")
        data = text.encode("utf-8")
        blob_id = self.blobs.put_bytes(data)
        row: dict[str, Any] = dict(
            run_id=run_id,
            name=name,
            step=step,
            blob_id=blob_id,
            size=len(data),
            created_at=time.time(),
        )
        self._insert(texts_t, row, run_id)
        return LoggedBlob(**row)

    def add_image(
        self, run_id: str, name: str, png: bytes, size: tuple[int, int], step: int | None
    ) -> LoggedBlob:
        check_key(name, "image name")
        blob_id = self.blobs.put_bytes(png)
        row: dict[str, Any] = dict(
            run_id=run_id,
            name=name,
            step=step,
            blob_id=blob_id,
            width=size[0],
            height=size[1],
            created_at=time.time(),
        )
        self._insert(images_t, row, run_id)
        return LoggedBlob(**row)

    def add_artifact(self, run_id: str, path: str, name: str) -> Artifact:
        _check_artifact_name(name)
        src = Path(path)
        if not src.is_file():
            raise FileNotFoundError(f"artifact {str(src)!r} is not a file")
        blob_id, size = self.blobs.put_file(src)
        row: dict[str, Any] = dict(
            run_id=run_id, name=name, blob_id=blob_id, size=size, created_at=time.time()
        )
        with db.write(self.engine, f"log artifact {name!r}") as conn:
            require_run(conn, run_id)
            conn.execute(
                delete(artifacts_t).where(artifacts_t.c.run_id == run_id, artifacts_t.c.name == name)
            )
            conn.execute(artifacts_t.insert().values(**row))
        return Artifact(**row)

    def texts(self, run_id: str) -> list[LoggedBlob]:
        return [LoggedBlob(**r) for r in self._rows(texts_t, run_id)]

    def images(self, run_id: str) -> list[LoggedBlob]:
        return [LoggedBlob(**r) for r in self._rows(images_t, run_id)]

    def artifacts(self, run_id: str) -> list[Artifact]:
        return [Artifact(**r) for r in self._rows(artifacts_t, run_id)]

    def _insert(self, table, row: dict, run_id: str) -> None:
        with db.write(self.engine, f"log {table.name[:-1]} {row['name']!r}") as conn:
            require_run(conn, run_id)
            conn.execute(table.insert().values(**row))

    def _rows(self, table, run_id: str) -> list[dict]:
        order = table.c.id if "id" in table.c else table.c.name
        with db.read(self.engine, f"list {table.name}") as conn:
            require_run(conn, run_id)
            rows = conn.execute(select(table).where(table.c.run_id == run_id).order_by(order))
            return [{k: v for k, v in r._asdict().items() if k != "id"} for r in rows]


def _check_artifact_name(name: str) -> str:
    """Artifact names are relative POSIX paths inside the run: no '..', no absolute paths."""
    if not isinstance(name, str) or not name or len(name) > 1024:
        raise ValueError(f"artifact name must be a non-empty str of ≤1024 characters: {name!r}")
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise ValueError(
            f"artifact name must be a relative path without '..' or empty parts: {name!r}"
        )
    if not name.isprintable():
        raise ValueError(f"artifact name must not contain control characters: {name!r}")
    return name
