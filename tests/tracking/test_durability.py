"""Nothing logged is lost: killed processes, concurrent writers, an unreachable store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from array import array
from pathlib import Path

import pytest

import jupyter_mlm as mlm
from jupyter_mlm.core.errors import WriterError
from jupyter_mlm.store import open_store
from jupyter_mlm.store.location import location_from
from jupyter_mlm.tracking import run as run_module
from jupyter_mlm.tracking.journal import Journal, journal_dir
from jupyter_mlm.tracking.series import pack

from ..conftest import fresh_pg_database
from ..pg_server import start_postgres

ROOT = Path(__file__).resolve().parents[2]


def _child(code: str, location, **popen) -> subprocess.Popen:
    env = {
        **os.environ,
        "MLM_STORE": location.store_uri,
        "MLM_ARTIFACTS": location.artifacts_uri,
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, **popen)


def _wait_for(predicate, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_sigkill_keeps_everything_flushed_and_run_reads_crashed(store_location):
    store = open_store(store_location)
    child = _child(
        """
        import jupyter_mlm as mlm, sys
        run = mlm.start_run("killme", params={"lr": 0.1})
        print(run.run_id, flush=True)
        i = 0
        while True:
            run.log(loss=float(i))
            i += 1
        """,
        store_location,
        stdout=subprocess.PIPE,
        text=True,
    )
    run_id = child.stdout.readline().strip()
    _wait_for(lambda: store.runs.get(run_id).metrics.get("loss"))
    before = store.runs.get(run_id).metrics["loss"].count
    _wait_for(lambda: store.runs.get(run_id).metrics["loss"].count > before)  # a second flush
    child.send_signal(signal.SIGKILL)
    child.wait()
    info = store.runs.get(run_id)
    assert info.status == "crashed" and info.end_time is not None
    steps, values, _ = store.metrics.history(run_id, "loss")
    n = len(steps)
    assert n == info.metrics["loss"].count > 0
    assert steps.tolist() == list(range(n)) and values.tolist() == [float(i) for i in range(n)]
    assert store.runs.get(run_id).status == "crashed"  # recorded, not just computed
    store.close()


def test_eight_processes_logging_to_one_sqlite_store_lose_nothing(tmp_path):
    location = location_from(tmp_path / "store")
    open_store(location).close()
    n = 20_000
    children = [
        _child(
            f"""
            import jupyter_mlm as mlm
            with mlm.start_run("parallel", name="w{k}") as run:
                for i in range({n}):
                    run.log(loss=i * 0.5, acc=float({k}))
                    if i % 5000 == 0:
                        run.log_params({{"chunk{k}_" + str(i): i}})
            """,
            location,
        )
        for k in range(8)
    ]
    assert [c.wait(timeout=120) for c in children] == [0] * 8
    store = open_store(location)
    runs = store.queries.search()
    assert sorted(r.name for r in runs) == [f"w{k}" for k in range(8)]
    for r in runs:
        assert r.status == "finished"
        steps, values, _ = store.metrics.history(r.run_id, "loss")
        assert steps.tolist() == list(range(n)) and values[-1] == (n - 1) * 0.5
        assert r.metrics["acc"].count == n and len(r.params) == 4
    store.close()


def test_interpreter_exit_flushes_and_ends_open_runs(store_location):
    store = open_store(store_location)
    ok = _child(
        'import jupyter_mlm as mlm\nr = mlm.start_run("exit")\nfor i in range(1000): r.log(x=i)\n',
        store_location,
    )
    bad = _child(
        'import jupyter_mlm as mlm\nr = mlm.start_run("exit")\nr.log(x=1)\nraise SystemError("boom")\n',
        store_location,
        stderr=subprocess.DEVNULL,
    )
    assert ok.wait(60) == 0 and bad.wait(60) == 1
    runs = {r.metrics["x"].count: r for r in store.queries.search()}
    assert runs[1000].status == "finished"
    assert runs[1].status == "failed" and "boom" in runs[1].error
    store.close()


def test_unreachable_store_spills_to_journal_warns_raises_and_replays(tmp_path, monkeypatch):
    server = start_postgres(tmp_path / "pg")
    try:
        location = location_from(server.uri, (tmp_path / "blobs").as_uri())
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.setenv("MLM_CAPTURE", "0")  # only the metric path is under test here
        mlm.set_store(location.store_uri, location.artifacts_uri)
        run = mlm.start_run("outage")
        for i in range(100):
            run.log(loss=float(i))
        run.flush()
        server.pause()
        for i in range(100, 300):
            run.log(loss=float(i))
        with pytest.warns(RuntimeWarning, match="could not write metrics"):
            assert run._writer.flush([run]) is False
        journal = Journal(journal_dir(location))
        assert len(journal.pending()) == 1
        with pytest.raises(WriterError, match="kept in the journal"):
            run.log(loss=300.0)
        for i in range(300, 400):  # logging goes on; the error was raised once
            run.log(loss=float(i))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run._writer.flush([run])  # still down: a second journal file, in order
        assert len(journal.pending()) == 2
        server.resume()
        with pytest.warns(RuntimeWarning, match="writable again"):
            run.finish()
        assert journal.pending() == []
        steps, values, _ = mlm.get_store().history(run.run_id, "loss")
        assert steps.tolist() == list(range(400)) and values.tolist() == [
            float(i) for i in range(400)
        ]
        assert mlm.get_run(run.run_id).status == "finished"
    finally:
        from jupyter_mlm.tracking import fluent

        for _, writer in list(fluent._stores.values()):
            writer.store.close()
        mlm.set_store(None)
        server.stop()


def test_writer_behind_its_memory_bound_spills_in_order(tracking, monkeypatch):
    monkeypatch.setattr(run_module, "SOFT_LIMIT", 1_000)
    monkeypatch.setattr(run_module, "HARD_LIMIT", 5_000)
    run = mlm.start_run("bounded")
    writer = run._writer
    with writer._io:  # the writer is stuck (e.g. a long lock held by another process)
        for i in range(20_000):
            run.log(v=float(i))
        journal = writer.journal
        assert len(journal.pending(own_only=True)) == 4  # spilled, memory stayed bounded
        assert run._buffer.pending < 5_000
    run.finish()
    assert journal.pending() == []
    steps, values, _ = run.history("v")
    assert steps.tolist() == list(range(20_000)) and values[-1] == 19_999.0


def _as_dead_process(path: Path) -> Path:
    dead = subprocess.Popen(["true"])
    dead.wait()
    target = path.with_name(path.name.replace(f"--{os.getpid()}--", f"--{dead.pid}--"))
    os.replace(path, target)
    return target


def test_journal_of_a_dead_process_is_replayed_on_next_use(tracking, store_location):
    run = mlm.start_run("orphan")
    run.flush()
    chunk = pack(
        run.run_id, "late", array("q", [0, 1]), array("d", [1.0, 2.0]), array("d", [5.0, 6.0])
    )
    journal = Journal(journal_dir(store_location))
    orphan = _as_dead_process(journal.write(7, [chunk]))
    assert journal.pending() == [orphan]
    mlm.set_store(store_location.store_uri, store_location.artifacts_uri)  # as a new kernel would
    mlm.start_run("orphan").finish()  # opening the store replays what dead processes left
    _wait_for(lambda: len(tracking.metrics.history(run.run_id, "late")[0]) == 2)
    assert tracking.metrics.history(run.run_id, "late")[1].tolist() == [1.0, 2.0]
    _wait_for(lambda: not orphan.exists())
    assert journal.replay(tracking.metrics) == 0
    run.finish()


def test_damaged_journal_file_is_set_aside_with_a_warning(tracking, store_location):
    run = mlm.start_run("damaged")
    journal = Journal(journal_dir(store_location))
    good = _as_dead_process(
        journal.write(
            1, [pack(run.run_id, "x", array("q", [0]), array("d", [1.0]), array("d", [1.0]))]
        )
    )
    bad = _as_dead_process(
        journal.write(
            2, [pack(run.run_id, "x", array("q", [1]), array("d", [2.0]), array("d", [2.0]))]
        )
    )
    bad.write_bytes(bad.read_bytes()[:-3] + b"xyz")
    with pytest.warns(RuntimeWarning, match="journal file is damaged"):
        assert journal.replay(tracking.metrics) == 1
    assert not good.exists() and bad.with_suffix(".corrupt").exists()
    assert tracking.metrics.history(run.run_id, "x")[1].tolist() == [1.0]
    run.finish()


def test_postgres_ingest_and_history_read(pg_admin_uri, tmp_path):
    location = location_from(fresh_pg_database(pg_admin_uri), (tmp_path / "b").as_uri())
    mlm.set_store(location.store_uri, location.artifacts_uri)
    try:
        with mlm.start_run("pg") as run:
            for i in range(50_000):
                run.log(loss=i / 50_000)
        steps, values, _ = run.history("loss")
        assert steps.tolist() == list(range(50_000)) and values[-1] == 49_999 / 50_000
    finally:
        mlm.set_store(None)


def test_forked_child_does_not_write_the_parents_points_twice(tracking):
    run = mlm.start_run("fork")
    for i in range(10):
        run.log(x=float(i))
    pid = os.fork()
    if pid == 0:  # child: the parent's run is not ours; a run of our own works
        code = 0
        try:
            try:
                run.log(x=99.0)
                code = 3
            except mlm.MlmError as err:
                code = 0 if "belongs to the parent process" in str(err) else 4
            with mlm.start_run("fork-child", parent=run.run_id) as child:
                child.log(y=1.0)
        except BaseException:
            code = 5
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    run.finish()
    assert run.history("x")[1].tolist() == [float(i) for i in range(10)]
    child = mlm.runs("fork-child")[0]
    assert child.parent_run_id == run.run_id and child.metrics["y"].count == 1


def test_lock_free_buffer_loses_and_misaligns_nothing_under_constant_flushing(tracking):
    import threading

    run = mlm.start_run("race")
    stop = threading.Event()

    def flusher():
        while not stop.is_set():
            run._writer.flush([run])

    thread = threading.Thread(target=flusher)
    thread.start()
    try:
        for i in range(100_000):
            run.log(a=float(i), b=float(-i))
    finally:
        stop.set()
        thread.join()
    run.finish()
    for key, sign in (("a", 1.0), ("b", -1.0)):
        steps, values, _ = run.history(key)
        assert steps.tolist() == list(range(100_000))
        assert (values == sign * steps).all()
