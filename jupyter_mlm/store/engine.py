"""Database engines: URI → SQLAlchemy engine, SQLite pragmas, and one transaction helper
that commits or rolls back and turns driver errors into ``StoreError``."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Connection, Engine

from ..core.errors import StoreError
from ..core.uris import redact_uri

SQLITE_BUSY_TIMEOUT_MS = 60_000


def make_engine(uri: str) -> Engine:
    """An engine for a database URI, made by the backend its scheme names (``backends``)."""
    from . import backends

    engine: Engine = backends.make_database(uri)
    return engine


def postgres_engine(uri: str) -> Engine:
    """``postgresql://…`` (driven by psycopg 3; ``postgresql+psycopg2://`` by psycopg2)."""
    scheme, rest = uri.split("://", 1)
    if scheme.lower() == "postgresql+psycopg2":
        return create_engine(uri, pool_pre_ping=True)
    try:
        import psycopg  # noqa: F401
    except ImportError as err:
        raise StoreError(
            "a PostgreSQL store needs the psycopg driver: pip install 'jupyter-mlm[postgres]'"
        ) from err
    return create_engine(
        f"postgresql+psycopg://{rest}", pool_pre_ping=True, pool_size=4, max_overflow=4
    )


def sqlite_engine(uri: str) -> Engine:
    """``sqlite:///PATH`` with WAL, foreign keys and a long busy timeout."""
    path = Path(uri[len("sqlite:///") :])
    engine = create_engine(
        f"sqlite:///{path}",
        isolation_level="AUTOCOMMIT",  # we issue BEGIN IMMEDIATE ourselves (see write())
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.contextmanager
def write(engine: Engine, what: str) -> Iterator[Connection]:
    """A write transaction that commits, or rolls back on any exception.

    On SQLite, threads of one process queue on a lock first: SQLite's own busy handler
    sleeps in growing steps (1, 2, 5, 10 ms…) and would make the writer thread, context
    capture and the caller wait milliseconds for each other."""
    lock = _sqlite_write_lock(engine)
    with lock, translate_errors(engine, what), engine.connect() as conn, transaction(conn):
        yield conn


_write_locks: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_locks_guard = threading.Lock()


def _sqlite_write_lock(engine: Engine) -> contextlib.AbstractContextManager[Any]:
    if not is_sqlite(engine):
        return contextlib.nullcontext()
    with _locks_guard:
        lock = _write_locks.get(engine)
        if lock is None:
            lock = _write_locks[engine] = threading.RLock()
        return lock


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[None]:
    """One transaction on ``conn``. On SQLite it takes the write lock up front (``BEGIN
    IMMEDIATE``) so concurrent writers wait on ``busy_timeout`` instead of failing on a lock
    upgrade."""
    if not is_sqlite(conn.engine):
        with conn.begin():
            yield
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.exec_driver_sql("ROLLBACK")
        raise
    conn.exec_driver_sql("COMMIT")


@contextlib.contextmanager
def read(engine: Engine, what: str) -> Iterator[Connection]:
    """A read-only connection (SQLite: autocommit; PostgreSQL: one transaction)."""
    with translate_errors(engine, what), engine.connect() as conn:
        if is_sqlite(engine):
            yield conn
        else:
            with conn.begin():
                yield conn


@contextlib.contextmanager
def translate_errors(engine: Engine, what: str) -> Iterator[None]:
    """Re-raise database errors as ``StoreError`` naming the store and the operation."""
    try:
        yield
    except exc.IntegrityError:
        raise
    except exc.DBAPIError as err:
        raise StoreError(f"could not {what} in store {describe(engine)}: {_reason(err)}") from err
    except exc.SQLAlchemyError as err:
        raise StoreError(f"could not {what} in store {describe(engine)}: {err}") from err


def describe(engine: Engine) -> str:
    return redact_uri(engine.url.render_as_string(hide_password=True))


def _reason(err: exc.DBAPIError) -> str:
    orig = err.orig
    text = str(orig).strip().splitlines()[0] if orig is not None else str(err)
    if "readonly" in text or "read-only" in text:
        return f"{text} (the store file or its folder is not writable)"
    if "file is not a database" in text or "malformed" in text:
        return f"{text} (the database file is corrupt or not a jupyter-mlm store)"
    return text
