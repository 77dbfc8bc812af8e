"""A running run whose process is gone reads ``crashed``; a live one stays ``running``."""

from __future__ import annotations

import os
import subprocess
import time

from sqlalchemy import update

from jupyter_mlm.store import engine as db
from jupyter_mlm.store.liveness import HEARTBEAT_TIMEOUT, hostname, own_token, process_token
from jupyter_mlm.store.schema import runs


def _set(store, run_id, **values):
    with db.write(store.engine, "test edit") as conn:
        conn.execute(update(runs).where(runs.c.run_id == run_id).values(**values))


def _new_run(store):
    exp = store.experiments.get_or_create("live")
    return store.runs.create(exp.experiment_id, name=None, params={}, tags={}, parent_run_id=None)


def test_own_running_run_is_running(store):
    run = _new_run(store)
    assert store.runs.get(run.run_id).status == "running"
    assert store.runs.get(run.run_id).host == hostname()


def test_same_host_dead_pid_or_reused_pid_reads_crashed(store):
    dead = subprocess.Popen(["true"])
    dead.wait()
    a, b = _new_run(store), _new_run(store)
    _set(store, a.run_id, pid=dead.pid)
    _set(store, b.run_id, pid=os.getppid(), pid_started="123")  # a live pid, but another process
    assert process_token(os.getppid()) not in ("", "123")
    assert store.runs.get(a.run_id).status == "crashed"
    assert store.runs.get(b.run_id).status == "crashed"


def test_other_host_is_judged_by_heartbeat(store):
    fresh, stale = _new_run(store), _new_run(store)
    now = time.time()
    _set(store, fresh.run_id, host="gpu-box-7", heartbeat_at=now - 5)
    _set(store, stale.run_id, host="gpu-box-7", heartbeat_at=now - HEARTBEAT_TIMEOUT - 5)
    assert store.runs.get(fresh.run_id).status == "running"
    crashed = store.runs.get(stale.run_id)
    assert crashed.status == "crashed" and crashed.end_time == now - HEARTBEAT_TIMEOUT - 5
    store.runs.heartbeat([stale.run_id])  # a crashed run stays crashed
    assert store.runs.get(stale.run_id).status == "crashed"


def test_own_token_is_stable():
    assert own_token() == process_token(os.getpid()) != ""
