"""``mlm gc`` over checkpoint content: chunks no checkpoint names go after the grace period, a
chunk a new save re-used stays; and ``mlm checkpoints`` lists a notebook's history."""

from __future__ import annotations

import time

from sqlalchemy import update

from jupyter_mlm import cli
from jupyter_mlm.checkpoints import CheckpointService
from jupyter_mlm.checkpoints.content import split_notebook
from jupyter_mlm.checkpoints.gc import collect_garbage
from jupyter_mlm.store import open_store, schema

from .helpers import ADA, BOB, as_saved, notebook, saved


def test_gc_removes_content_no_checkpoint_names_after_the_grace_period(service, store, tmp_path):
    path = str(tmp_path / "nb.ipynb")
    kept = service.create(path, ADA, data=saved(notebook(40, edit=1, images=1)))
    dropped = service.create(path, ADA, data=saved(notebook(40, edit=2, images=1, seed=1)))
    assert service.wait(30)
    service.delete(store, dropped.checkpoint_id, ADA)
    before = store.chunks.total_bytes()

    fresh = collect_garbage(store)  # everything is younger than the default hour
    assert fresh.removed_chunks == 0 and store.chunks.total_bytes() == before
    dry = collect_garbage(store, grace_seconds=0, dry_run=True)
    assert dry.removed_chunks > 0 and store.chunks.total_bytes() == before
    done = collect_garbage(store, grace_seconds=0)
    # the other image, the edited cell, its block(s) and the manifest
    assert done.removed_chunks == dry.removed_chunks >= 4
    assert store.chunks.total_bytes() < before - 60_000
    assert service.notebook(store, kept, ADA.username) == as_saved(notebook(40, edit=1, images=1))


def test_gc_spares_a_chunk_a_new_save_re_used(service, store, tmp_path):
    """A chunk no checkpoint named when gc read the references, re-used since by a save on
    another server, is not removed (the save refreshed its time)."""
    path = str(tmp_path / "nb.ipynb")
    old = service.create(path, ADA, data=saved(notebook(3, images=1)))
    assert service.wait(30)
    c = schema.checkpoint_chunks.c
    with store.engine.begin() as conn:  # stored two hours ago
        conn.execute(update(schema.checkpoint_chunks).values(created_at=c.created_at - 7200))
    service.delete(store, old.checkpoint_id, ADA)
    referenced: set[str] = set()  # what gc read before the new checkpoint existed
    with open_store(str(tmp_path / "store")) as other_store:
        other = CheckpointService(store_for=lambda _path: other_store, server_root=str(tmp_path))
        again = other.create(path, BOB, data=saved(notebook(3, images=1)))  # re-uses them all
        assert other.wait(30)
        other.close()
    assert store.chunks.delete_unreferenced(referenced, time.time() - 3600) == 0
    assert service.notebook(store, again, BOB.username) == as_saved(notebook(3, images=1))


def test_mlm_checkpoints_lists_a_notebooks_history(service, store, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside git, paths are relative to the server root
    nb = tmp_path / "nb.ipynb"
    nb.write_bytes(saved(notebook(2)))
    service.create(str(nb), ADA, message="first try\nmore detail")
    service.create(str(nb), BOB)
    assert service.wait(30)
    nb.unlink()  # a deleted notebook's history is still there
    code = cli.main(["--store", str(tmp_path / "store"), "checkpoints", str(nb)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "TIME", "AUTHOR", "COMMIT", "MESSAGE"]
    assert "Bob" in lines[1] and "(none)" in lines[1]  # newest first; not in git
    assert "Ada" in lines[2] and lines[2].endswith("first try")
    assert lines[-1] == "2 checkpoint(s) of nb.ipynb"


def test_mlm_gc_reports_checkpoint_content(service, store, tmp_path, capsys):
    path = str(tmp_path / "nb.ipynb")
    made = service.create(path, ADA, data=saved(notebook(2)))
    assert service.wait(30)
    service.delete(store, made.checkpoint_id, ADA)
    assert cli.main(["--store", str(tmp_path / "store"), "gc", "--grace", "0"]) == 0
    out = capsys.readouterr().out
    chunks = len(split_notebook(notebook(2)).chunks)  # metadata, 2 cells, 2 outputs, manifest
    assert f"removed {chunks} unused checkpoint content chunk(s)" in out
    assert store.chunks.total_bytes() == 0
