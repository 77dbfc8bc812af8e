"""The throwaway PostgreSQL server used by the postgres-marked tests really works."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import pytest

from tests import pg_server
from tests.pg_server import start_postgres

pytestmark = pytest.mark.postgres


def _port_is_free(port: int) -> bool:
    """Nothing listens on the port and a new server could bind it. SO_REUSEADDR, as PostgreSQL
    itself uses, because the connections the server closed leave the port in TIME_WAIT."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_start_roundtrip_stop(tmp_path: Path) -> None:
    server = start_postgres(tmp_path)
    try:
        assert server.uri == f"postgresql://mlm@127.0.0.1:{server.port}/mlm"
        assert not _port_is_free(server.port)
        with psycopg.connect(server.uri, connect_timeout=10) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            conn.execute("CREATE TABLE runs (id serial PRIMARY KEY, name text NOT NULL)")
            conn.execute("INSERT INTO runs (name) VALUES (%s), (%s)", ("alpha", "béta"))
            conn.commit()
        with psycopg.connect(server.uri, connect_timeout=10) as conn:
            rows = conn.execute("SELECT id, name FROM runs ORDER BY id").fetchall()
        assert rows == [(1, "alpha"), (2, "béta")]
    finally:
        server.stop()
    assert _port_is_free(server.port)
    assert not server.data_dir.exists()
    server.stop()  # idempotent


def test_failure_raises_with_server_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every port we are handed is already taken: start must give up with the server's own words.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        monkeypatch.setattr(pg_server, "free_port", lambda: taken)
        with pytest.raises(RuntimeError, match="could not bind") as info:
            start_postgres(tmp_path)
    assert "server log tail" in str(info.value)
    assert not any(tmp_path.iterdir())  # nothing left behind
