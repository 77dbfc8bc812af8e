"""Shared fixtures: every store test runs on SQLite and on a real PostgreSQL server that the
suite starts itself (or the one named by MLM_TEST_POSTGRES_URI)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import jupyter_mlm as mlm
from jupyter_mlm.store import open_store
from jupyter_mlm.store.base import Store
from jupyter_mlm.store.location import location_from

from .pg_server import postgres_uri_from_env, start_postgres

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(autouse=True)
def system_metrics_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """System metrics (on by default for users) are off in tests, and kernels they start,
    except those about them (tests/system, tests/tracking/test_system_metrics.py override
    this fixture): elsewhere they would add ``sys/`` series to every run a test checks."""
    monkeypatch.setenv("MLM_SYSTEM_METRICS", "0")


@pytest.fixture(autouse=True)
def no_cloud_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never ask 169.254.169.254 which cloud machine this is (tests/cost asks a fake
    server on 127.0.0.1), nor price runs from an environment's settings."""
    monkeypatch.setenv("MLM_CLOUD_METADATA", "0")
    for name in ("MLM_COST_HOURLY", "MLM_MACHINE_TYPE", "MLM_COST_SHARE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def pg_admin_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server for the whole session; tests get their own database on it."""
    uri = postgres_uri_from_env()
    if uri:
        yield uri
        return
    server = start_postgres(tmp_path_factory.mktemp("pg"))
    try:
        yield server.uri
    finally:
        server.stop()


def fresh_pg_database(admin_uri: str) -> str:
    """Create an empty database on the server and return its URI."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(
        admin_uri.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_uri.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """A StoreLocation for a new, empty store on the backend under test."""
    if backend == "sqlite":
        return location_from(tmp_path / "store")
    uri = fresh_pg_database(request.getfixturevalue("pg_admin_uri"))
    return location_from(uri, (tmp_path / "blobs").as_uri())


@pytest.fixture
def store(store_location) -> Iterator[Store]:
    st = open_store(store_location)
    yield st
    st.close()


@pytest.fixture
def tracking(store_location, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The module-level API (mlm.start_run ...) pointed at a new store; yields that store."""
    from jupyter_mlm.tracking import fluent

    monkeypatch.delenv("MLM_STORE", raising=False)
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    mlm.set_store(store_location.store_uri, store_location.artifacts_uri)
    try:
        yield mlm.get_store()
    finally:
        from jupyter_mlm.tracking.capture_hook import wait_for_captures

        wait_for_captures()
        for run in list(fluent._open.values()):
            run.finish()
        for _, writer in list(fluent._stores.values()):
            writer.close()
            writer.store.close()
        mlm.set_store(None)
