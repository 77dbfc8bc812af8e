"""The mlm command on a real store."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from jupyter_mlm.cli import main
from jupyter_mlm.store import open_store


@pytest.fixture
def filled(tmp_path):
    folder = tmp_path / "store"
    st = open_store(str(folder))
    exp = st.experiments.get_or_create("digits")
    run = st.runs.create(
        exp.experiment_id, name="brave-run", params={"lr": 0.1}, tags={"t": "x"}, parent_run_id=None
    )
    st.files.add_text(run.run_id, "notes", "hello", None)
    st.runs.end(run.run_id, "finished")
    orphan = st.blobs.put_bytes(b"nobody refers to me")
    past = time.time() - 7200
    os.utime(st.blobs.path(orphan), (past, past))
    yield folder, st, run
    st.close()


def test_runs_show_store(filled, capsys):
    folder, _, run = filled
    assert main(["--store", str(folder), "runs", "digits"]) == 0
    out = capsys.readouterr().out
    assert run.run_id in out and "brave-run" in out and "finished" in out and "1 run(s)" in out
    assert main(["--store", str(folder), "show", run.run_id]) == 0
    out = capsys.readouterr().out
    assert "lr = 0.1" in out and "text       notes" in out
    assert main(["--store", str(folder), "store"]) == 0
    out = capsys.readouterr().out
    assert "1 experiment(s), 1 run(s)" in out and "blobs      2" in out


def test_gc_archive_delete(filled, capsys):
    folder, st, run = filled
    assert main(["--store", str(folder), "gc", "--dry-run"]) == 0
    assert "would remove 1 blob(s)" in capsys.readouterr().out
    assert main(["--store", str(folder), "gc"]) == 0
    assert len(list(st.blobs.iter_blobs())) == 1
    assert main(["--store", str(folder), "archive", "run", run.run_id]) == 0
    assert st.queries.search() == []
    assert main(["--store", str(folder), "restore", "run", run.run_id]) == 0
    assert len(st.queries.search()) == 1
    assert main(["--store", str(folder), "delete", "experiment", "digits", "--yes"]) == 0
    assert st.queries.search(include_archived=True) == []


def test_errors_are_one_line_messages(filled, capsys):
    folder, _, _ = filled
    assert main(["--store", str(folder), "show", "nope"]) == 1
    assert capsys.readouterr().err.startswith("mlm: error: no run with id 'nope'")
    assert main(["--store", str(folder), "runs", "--where", "lr > 1"]) == 1
    assert "unknown field 'lr'" in capsys.readouterr().err


def test_console_script_entry_point(filled):
    folder, _, _ = filled
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_mlm.cli", "--store", str(folder), "runs"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert out.returncode == 0 and "brave-run" in out.stdout


def test_dataset_commands(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = str(tmp_path / "store")
    data = tmp_path / "data"
    (data / "x").mkdir(parents=True)
    (data / "x" / "a.txt").write_text("same bytes")
    (data / "b.txt").write_text("same bytes")
    (data / "c.txt").write_text("other")
    assert main(["--store", store, "dataset", str(data), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "data  (folder, 3 file(s)" in out
    assert main(["--store", store, "datasets"]) == 0
    out = capsys.readouterr().out
    assert "data" in out and "folder" in out and "1 version(s)" in out
    assert main(["--store", store, "duplicates", str(data)]) == 0
    out = capsys.readouterr().out
    assert "x/a.txt" in out and "b.txt" in out and "c.txt" not in out
    assert main(["--store", store, "dataset", str(tmp_path / "nope")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
