"""Schema versions: create a new store from the current schema and stamp it, migrate an
older one with Alembic, refuse a newer one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection, Engine

from ..core.errors import SchemaVersionError, StoreError
from . import engine as db
from .schema import KNOWN_VERSIONS, SCHEMA_VERSION, alembic_version, metadata

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def ensure_schema(engine: Engine) -> None:
    """Make the database at ``engine`` hold the current schema, or raise naming the problem."""
    with db.write(engine, "check the schema version") as conn:
        if not db.is_sqlite(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
        version = current_version(conn)
        if version is None:
            metadata.create_all(conn, checkfirst=False)
            conn.execute(alembic_version.insert().values(version_num=SCHEMA_VERSION))
            return
    if version == SCHEMA_VERSION:
        return
    if version not in KNOWN_VERSIONS:
        raise SchemaVersionError(
            f"the store {db.describe(engine)} has schema version {version!r}, which this "
            f"jupyter-mlm does not know (it writes {SCHEMA_VERSION!r}): it was written by a newer "
            "jupyter-mlm. Upgrade jupyter-mlm (pip install -U jupyter-mlm); the store was not changed."
        )
    upgrade(engine)


def current_version(conn: Connection) -> str | None:
    """The stamped revision; None for an empty database; StoreError for a foreign one."""
    names = set(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        if names:
            raise StoreError(
                f"the database {db.describe(conn.engine)} already holds tables "
                f"({', '.join(sorted(names)[:5])}…) but no jupyter-mlm schema version: it is not "
                "a jupyter-mlm store; point MLM_STORE at another database or folder"
            )
        return None
    rows = conn.execute(select(alembic_version.c.version_num)).scalars().all()
    if len(rows) != 1:
        raise StoreError(f"the store {db.describe(conn.engine)} has a damaged schema version table")
    return rows[0]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (imports Alembic, so only when needed)."""
    from alembic import command

    with (
        db.translate_errors(engine, "migrate the schema"),
        engine.connect() as conn,
        db.transaction(conn),
    ):
        command.upgrade(alembic_config(conn), revision)


def alembic_config(conn: Connection):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg
