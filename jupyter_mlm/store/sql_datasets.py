"""Dataset versions and lineage in a SQL database: which runs read or wrote which data."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from sqlalchemy import exc, select
from sqlalchemy.engine import Engine

from ..core.entities import DatasetUse, DatasetVersionInfo
from ..core.errors import NotFoundError
from ..core.validation import check_key
from . import engine as db
from .repositories import DIRECTIONS, DatasetRepository
from .run_loading import require_run
from .schema import dataset_versions, run_datasets

_HEX = re.compile(r"^[0-9a-f]{8,64}$")


class SqlDatasets(DatasetRepository):
    """Dataset versions and their links to runs in a SQL database (``store.datasets``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, info: DatasetVersionInfo) -> DatasetVersionInfo:
        """Store a version (a no-op when this name already has this content)."""
        check_key(info.name, "dataset name")
        row = {
            "content_id": info.content_id,
            "name": info.name,
            "kind": info.kind,
            "source": info.source,
            "file_count": info.file_count,
            "bytes": info.bytes,
            "manifest_blob": info.manifest_blob,
            "schema_json": None if info.schema is None else json.dumps(info.schema),
            "rows_blob": info.rows_blob,
            "created_at": info.created_at,
            "created_by": info.created_by,
        }
        try:
            with db.write(self.engine, f"record dataset {info.name!r}") as conn:
                found = conn.execute(
                    select(dataset_versions).where(
                        dataset_versions.c.content_id == info.content_id,
                        dataset_versions.c.name == info.name,
                    )
                ).first()
                if found is not None:
                    return _info(found)
                conn.execute(dataset_versions.insert().values(**row))
        except exc.IntegrityError:  # recorded by another process meanwhile
            pass
        return self.get(f"{info.name}@{info.content_id}")

    def get(self, ref: str) -> DatasetVersionInfo:
        """By content id (or a unique prefix of ≥ 8 characters), ``NAME`` (its newest version)
        or ``NAME@ID``."""
        d = dataset_versions.c
        name, _, ident = ref.rpartition("@") if "@" in ref else ("", "", ref)
        stmt = select(dataset_versions).order_by(d.created_at.desc())
        if name:
            stmt = stmt.where(d.name == name, d.content_id.startswith(ident))
        elif _HEX.match(ref):
            stmt = stmt.where(d.content_id.startswith(ref))
        else:
            stmt = stmt.where(d.name == ref)
        with db.read(self.engine, "read dataset versions") as conn:
            rows = conn.execute(stmt.limit(50)).all()
            if not rows and not name and _HEX.match(ref):  # a name that looks like hex
                rows = conn.execute(
                    select(dataset_versions).where(d.name == ref).order_by(d.created_at.desc())
                ).all()
        if not rows:
            raise NotFoundError(f"no dataset version {ref!r} in the store")
        if not name and _HEX.match(ref) and len({r.content_id for r in rows}) > 1:
            raise ValueError(f"dataset id prefix {ref!r} is ambiguous; give more characters")
        return _info(rows[0])

    def versions(self, name: str | None = None) -> list[DatasetVersionInfo]:
        d = dataset_versions.c
        stmt = select(dataset_versions).order_by(d.name, d.created_at.desc())
        if name is not None:
            stmt = stmt.where(d.name == name)
        with db.read(self.engine, "list dataset versions") as conn:
            return [_info(r) for r in conn.execute(stmt)]

    def link(
        self, run_id: str, info: DatasetVersionInfo, context: str, direction: str = "input"
    ) -> DatasetUse:
        check_key(context, "dataset context")
        if len(context) > 64:
            raise ValueError(f"dataset context is longer than 64 characters: {context[:20]!r}…")
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be 'input' or 'output', got {direction!r}")
        row: dict[str, Any] = {
            "run_id": run_id,
            "content_id": info.content_id,
            "context": context,
            "direction": direction,
            "name": info.name,
            "created_at": time.time(),
        }
        with db.write(self.engine, f"link dataset {info.name!r} to run {run_id}") as conn:
            require_run(conn, run_id)
            r = run_datasets.c
            exists = conn.execute(
                select(r.run_id).where(
                    r.run_id == run_id,
                    r.content_id == info.content_id,
                    r.context == context,
                    r.direction == direction,
                )
            ).first()
            if exists is None:
                conn.execute(run_datasets.insert().values(**row))
        return DatasetUse(**row)

    def uses(
        self, *, run_id: str | None = None, content_id: str | None = None
    ) -> list[DatasetUse]:
        """Links of one run, or of one dataset content, oldest first."""
        r = run_datasets.c
        stmt = select(run_datasets).order_by(r.created_at)
        if run_id is not None:
            stmt = stmt.where(r.run_id == run_id)
        if content_id is not None:
            stmt = stmt.where(r.content_id == content_id)
        with db.read(self.engine, "read dataset lineage") as conn:
            return [DatasetUse(**row._asdict()) for row in conn.execute(stmt)]


def _info(row: Any) -> DatasetVersionInfo:
    return DatasetVersionInfo(
        content_id=row.content_id,
        name=row.name,
        kind=row.kind,
        source=row.source,
        file_count=row.file_count,
        bytes=row.bytes,
        created_at=row.created_at,
        created_by=row.created_by,
        manifest_blob=row.manifest_blob,
        schema=None if row.schema_json is None else json.loads(row.schema_json),
        rows_blob=row.rows_blob,
    )
