"""Schema versions: fresh stores are stamped, old ones migrated, newer ones refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from jupyter_mlm.core.errors import SchemaVersionError, StoreError
from jupyter_mlm.store import engine as db
from jupyter_mlm.store import open_store
from jupyter_mlm.store.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from jupyter_mlm.store.schema import SCHEMA_VERSION, metadata


def test_code_schema_version_is_the_alembic_head():
    with db.make_engine("sqlite:///:memory:").connect() as conn:
        script = ScriptDirectory.from_config(alembic_config(conn))
    assert script.get_current_head() == SCHEMA_VERSION
    assert MIGRATIONS_DIR.is_dir()


def test_migrations_build_exactly_the_schema_of_the_code(store_location):
    engine = db.make_engine(store_location.store_uri)
    if store_location.root is not None:
        store_location.root.mkdir(parents=True)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert diff == []
    assert version == SCHEMA_VERSION


def test_old_store_is_migrated_on_open_and_keeps_its_data(store_location):
    engine = db.make_engine(store_location.store_uri)
    if store_location.root is not None:
        store_location.root.mkdir(parents=True)
    upgrade(engine, "0001")
    with db.write(engine, "seed") as conn:
        conn.execute(
            text(
                "INSERT INTO experiments (experiment_id, name, created_at, lifecycle) "
                "VALUES ('e1', 'old-exp', 1.0, 'active')"
            )
        )
    engine.dispose()
    st = open_store(store_location)
    try:
        assert st.experiments.get("old-exp").experiment_id == "e1"
        run = st.runs.create("e1", name="r", params={}, tags={}, parent_run_id=None)
        st.comments.add("run", run.run_id, "the 0002 table exists now")
    finally:
        st.close()


def test_store_from_a_newer_version_is_refused_and_left_unchanged(store_location):
    open_store(store_location).close()
    engine = db.make_engine(store_location.store_uri)
    with db.write(engine, "fake a newer version") as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaVersionError, match=r"schema version '9999'.*newer jupyter-mlm"):
        open_store(store_location)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999"
    engine.dispose()


def test_a_database_that_is_not_a_store_is_refused(store_location):
    engine = db.make_engine(store_location.store_uri)
    if store_location.root is not None:
        store_location.root.mkdir(parents=True)
    with db.write(engine, "make a foreign table") as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StoreError, match="not a jupyter-mlm store"):
        open_store(store_location)


def test_corrupt_sqlite_file_is_a_clear_error_and_is_not_overwritten(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    garbage = b"this is not a database" * 100
    (folder / "mlm.db").write_bytes(garbage)
    with pytest.raises(StoreError, match="corrupt or not a jupyter-mlm store"):
        open_store(str(folder))
    assert (folder / "mlm.db").read_bytes() == garbage


def test_unwritable_store_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the store folder"):
        open_store(str(blocker / "store"))


def test_postgres_keeps_metric_blocks_uncompressed_on_both_paths(pg_admin_uri, tmp_path):
    from jupyter_mlm.store.location import location_from

    from ..conftest import fresh_pg_database

    query = text(
        "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'metric_blocks'::regclass "
        "AND attname IN ('steps', 'values', 'times')"
    )
    fresh = location_from(fresh_pg_database(pg_admin_uri), (tmp_path / "b").as_uri())
    open_store(fresh).close()  # created from the current schema
    migrated = db.make_engine(fresh_pg_database(pg_admin_uri))
    upgrade(migrated)  # built by the migrations
    for engine in (db.make_engine(fresh.store_uri), migrated):
        with engine.connect() as conn:
            assert dict(conn.execute(query).all()) == {"steps": "e", "values": "e", "times": "e"}
        engine.dispose()
