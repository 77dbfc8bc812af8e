"""Checkpoint rows and content chunks, on every backend (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from jupyter_mlm.checkpoints.content import join_notebook, manifest_of, split_notebook
from jupyter_mlm.core.errors import NotFoundError, StoreError


def _nb(sources, image=b""):
    cells = [
        {
            "cell_type": "code",
            "id": f"c{i}",
            "metadata": {},
            "source": s,
            "execution_count": i,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": s.upper()}],
        }
        for i, s in enumerate(sources)
    ]
    if image:
        cells[0]["outputs"].append(
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": image.hex()}}
        )
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "py"}},
        "cells": cells,
    }


def _row(split, *, repo="github.com/acme/ml", path="nb.ipynb", author="ada", when=None, **kw):
    row = {
        "checkpoint_id": uuid.uuid4().hex,
        "repo": repo,
        "path": path,
        "kind": "notebook",
        "author": author,
        "author_name": author.title(),
        "created_at": when if when is not None else time.time(),
        "message": None,
        "manifest_id": split.manifest_id,
        "content_hash": "0" * 64,
        "size": 123,
        "outputs_shared": True,
        "omitted_outputs": 0,
        "git_state": "pending",
        "git_commit": None,
        "git_branch": None,
        "git_dirty": None,
        "git_detail": None,
        "side_ref": None,
        "datasets_state": "pending",
        "datasets_detail": None,
        "error": None,
        "restored_from": None,
    }
    row.update(kw)
    return row


def test_content_round_trips_and_unchanged_chunks_are_stored_once(store):
    image = os.urandom(200_000)
    first = split_notebook(_nb(["a = 1", "b = 2", "c = 3"], image))
    added = store.chunks.put(first.chunks)
    assert added > len(image)  # the image is in there
    second = split_notebook(_nb(["a = 1", "b = 20", "c = 3"], image))
    again = store.chunks.put(second.chunks)
    assert 0 < again < 2_000  # only the changed cell, its output and the manifest
    assert store.chunks.put(second.chunks) == 0
    nb = join_notebook(manifest_of(second.manifest_id, store.chunks.get), store.chunks.get)
    assert nb == _nb(["a = 1", "b = 20", "c = 3"], image)


def test_missing_chunk_is_named(store):
    with pytest.raises(StoreError, match="missing"):
        store.chunks.get(["ab" * 32])


def test_checkpoints_list_newest_first_per_notebook_and_author(store):
    split = split_notebook(_nb(["x"]))
    store.chunks.put(split.chunks)
    t = 1_700_000_000.0
    rows = [
        _row(split, author="ada", when=t),
        _row(split, author="bob", when=t + 1),
        _row(split, author="ada", when=t + 2, message="third"),
        _row(split, author="ada", path="other.ipynb", when=t + 3),
    ]
    for row in rows:
        store.checkpoints.insert(row)
    listed, total = store.checkpoints.find(repo="github.com/acme/ml", path="nb.ipynb")
    assert total == 3
    assert [c.checkpoint_id for c in listed] == [r["checkpoint_id"] for r in rows[2::-1]]
    assert listed[0].message == "third"
    oldest_first, _ = store.checkpoints.find(
        repo="github.com/acme/ml", path="nb.ipynb", newest_first=False, limit=2, offset=1
    )
    assert [c.checkpoint_id for c in oldest_first] == [
        rows[1]["checkpoint_id"],
        rows[2]["checkpoint_id"],
    ]
    mine, total_mine = store.checkpoints.find(author="ada")
    assert total_mine == 3 and {c.path for c in mine} == {"nb.ipynb", "other.ipynb"}
    assert store.checkpoints.latest_time("github.com/acme/ml", "nb.ipynb", before=t + 2) == t + 1
    assert store.checkpoints.latest_time("github.com/acme/ml", "nb.ipynb", before=t) is None


def test_completion_records_git_runs_datasets(store):
    split = split_notebook(_nb(["x"]))
    store.chunks.put(split.chunks)
    row = _row(split)
    store.checkpoints.insert(row)
    exp = store.experiments.get_or_create("e")
    run = store.runs.create(exp.experiment_id, name="r1", params={}, tags={}, parent_run_id=None)
    store.checkpoints.update(
        row["checkpoint_id"],
        {
            "git_state": "ok",
            "git_commit": "a" * 40,
            "git_branch": "main",
            "git_dirty": True,
            "datasets_state": "ok",
        },
        run_ids=[run.run_id, run.run_id],
        datasets=[{"content_id": "c" * 64, "name": "train", "source": "/d", "origin": "metadata"}],
    )
    info = store.checkpoints.get(row["checkpoint_id"])
    assert (info.git_state, info.git_commit, info.git_branch, info.git_dirty) == (
        "ok",
        "a" * 40,
        "main",
        True,
    )
    assert info.runs == ({"run_id": run.run_id, "name": "r1", "status": "running"},)
    assert info.datasets[0]["name"] == "train" and info.datasets[0]["origin"] == "metadata"
    with pytest.raises(ValueError, match="cannot update"):
        store.checkpoints.update(row["checkpoint_id"], {"author": "mallory"})


def test_runs_of_a_notebook_are_found_by_their_tags(store):
    exp = store.experiments.get_or_create("e")
    here = {"mlm.notebook": "nb.ipynb", "mlm.repo": "github.com/acme/ml"}
    a = store.runs.create(exp.experiment_id, name="a", params={}, tags=here, parent_run_id=None)
    store.runs.create(
        exp.experiment_id,
        name="elsewhere",
        params={},
        tags={**here, "mlm.notebook": "other.ipynb"},
        parent_run_id=None,
    )
    store.runs.create(
        exp.experiment_id,
        name="other-repo",
        params={},
        tags={**here, "mlm.repo": "github.com/x/y"},
        parent_run_id=None,
    )
    outside = store.runs.create(
        exp.experiment_id,
        name="no-git",
        params={},
        tags={"mlm.notebook": "nb.ipynb"},
        parent_run_id=None,
    )
    now = time.time() + 1
    assert store.checkpoints.notebook_runs("github.com/acme/ml", "nb.ipynb", None, now) == [
        a.run_id
    ]
    assert store.checkpoints.notebook_runs("", "nb.ipynb", None, now) == [outside.run_id]
    assert store.checkpoints.notebook_runs("github.com/acme/ml", "nb.ipynb", now, now + 5) == []


def test_delete_removes_row_and_its_comments_rename_moves_history(store):
    split = split_notebook(_nb(["x"]))
    store.chunks.put(split.chunks)
    a = _row(split, path="dir/nb.ipynb")
    b = _row(split, path="dir/sub/other.ipynb")
    c = _row(split, path="dir2/nb.ipynb")
    for row in (a, b, c):
        store.checkpoints.insert(row)
    store.comments.add("checkpoint", a["checkpoint_id"], "nice", author="bob")
    assert store.checkpoints.get(a["checkpoint_id"]).comment_count == 1
    moved = store.checkpoints.move("github.com/acme/ml", "dir", "github.com/acme/ml", "renamed")
    assert moved == 2
    paths = {i.checkpoint_id: i.path for i in store.checkpoints.find(author="ada")[0]}
    assert paths == {
        a["checkpoint_id"]: "renamed/nb.ipynb",
        b["checkpoint_id"]: "renamed/sub/other.ipynb",
        c["checkpoint_id"]: "dir2/nb.ipynb",
    }
    store.checkpoints.delete(a["checkpoint_id"])
    with pytest.raises(NotFoundError):
        store.checkpoints.get(a["checkpoint_id"])
    assert store.comments.of("checkpoint", a["checkpoint_id"]) == []
    with pytest.raises(NotFoundError):
        store.checkpoints.delete(a["checkpoint_id"])
    with pytest.raises(ValueError, match="not a checkpoint id"):
        store.checkpoints.get("../etc/passwd")


def test_comments_can_be_deleted_by_their_author_only(store):
    split = split_notebook(_nb(["x"]))
    store.chunks.put(split.chunks)
    row = _row(split)
    store.checkpoints.insert(row)
    comment = store.comments.add("checkpoint", row["checkpoint_id"], "looks good", author="bob")
    with pytest.raises(PermissionError, match="only its author"):
        store.comments.delete(comment.comment_id, "ada")
    store.comments.delete(comment.comment_id, "bob")
    assert store.comments.of("checkpoint", row["checkpoint_id"]) == []
    with pytest.raises(NotFoundError):
        store.comments.add("checkpoint", "f" * 32, "on nothing", author="bob")
    with pytest.raises(ValueError, match="cannot comment"):
        store.comments.add("notebook", row["checkpoint_id"], "x", author="bob")


def test_unreferenced_chunks_are_collected_after_the_grace_period(store):
    keep = split_notebook(_nb(["keep"]))
    drop = split_notebook(_nb(["drop"]))
    store.chunks.put(keep.chunks)
    store.chunks.put(drop.chunks)
    referenced = set(keep.chunks)
    assert store.chunks.delete_unreferenced(referenced, older_than=time.time() - 3600) == 0
    removed = store.chunks.delete_unreferenced(referenced, older_than=time.time() + 1)
    assert removed == len(set(drop.chunks) - referenced)
    assert store.chunks.get(keep.chunks)  # still all there


def test_a_run_tagged_late_joins_the_first_checkpoint_after_its_start(store):
    split = split_notebook(_nb(["x"]))
    store.chunks.put(split.chunks)
    exp = store.experiments.get_or_create("e")
    run = store.runs.create(exp.experiment_id, name="r", params={}, tags={}, parent_run_id=None)
    start = run.start_time
    before = _row(split, when=start - 5)
    first = _row(split, when=start + 1)
    later = _row(split, when=start + 2)
    for row in (before, first, later):
        store.checkpoints.insert(row)
    used = [{"content_id": "d" * 64, "name": "train", "source": "/data"}]
    # the checkpoint's own completion already linked it: nothing is linked twice
    store.checkpoints.update(first["checkpoint_id"], {}, run_ids=[run.run_id])
    found = store.checkpoints.attach_late_run(
        run.run_id, "github.com/acme/ml", "nb.ipynb", start, used
    )
    assert found == first["checkpoint_id"]
    assert (
        store.checkpoints.attach_late_run(run.run_id, "github.com/acme/ml", "nb.ipynb", start, used)
        == found
    )
    info = store.checkpoints.get(found)
    assert [r["run_id"] for r in info.runs] == [run.run_id]
    assert [(d["name"], d["origin"]) for d in info.datasets] == [("train", "run")]
    assert store.checkpoints.get(before["checkpoint_id"]).runs == ()
    assert store.checkpoints.get(later["checkpoint_id"]).runs == ()
    assert (
        store.checkpoints.attach_late_run(
            run.run_id, "github.com/acme/ml", "other.ipynb", start, []
        )
        is None
    )


def test_a_run_finds_the_first_checkpoint_linked_to_it(store):
    split = split_notebook(_nb(["x"]))
    store.chunks.put(split.chunks)
    exp = store.experiments.get_or_create("e")
    run = store.runs.create(exp.experiment_id, name="r", params={}, tags={}, parent_run_id=None)
    alone = store.runs.create(exp.experiment_id, name="s", params={}, tags={}, parent_run_id=None)
    first = _row(split, when=run.start_time + 1)
    later = _row(split, when=run.start_time + 2)
    for row in (later, first):
        store.checkpoints.insert(row)
        store.checkpoints.update(row["checkpoint_id"], {}, run_ids=[run.run_id])
    found = store.checkpoints.of_run(run.run_id)
    assert found is not None and found.checkpoint_id == first["checkpoint_id"]
    assert [r["run_id"] for r in found.runs] == [run.run_id]
    assert store.checkpoints.of_run(alone.run_id) is None
    with pytest.raises(NotFoundError, match="no run with id"):
        store.checkpoints.of_run("0" * 32)
