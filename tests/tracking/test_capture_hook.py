"""Runs record where they come from: git state, environment and the saved notebook."""

from __future__ import annotations

import json

import jupyter_mlm as mlm
from tests.gitrepo import git, make_repo


def test_run_records_git_environment_and_notebook_without_credentials(
    tracking, tmp_path, monkeypatch
):
    repo = tmp_path / "proj"
    (repo / "nb").mkdir(parents=True)
    notebook = repo / "nb" / "train.ipynb"
    make_repo(repo, {"nb/train.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, '
                                       '"nbformat_minor": 5}'})
    git(repo, "remote", "add", "origin", "https://alice:s3cr3t@github.com/org/proj.git")
    (repo / "nb" / "train.ipynb").write_text(notebook.read_text() + "\n")  # dirty
    monkeypatch.chdir(repo / "nb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    with mlm.start_run("ctx") as run:
        run.log(x=1.0)
    assert run._context_recorded is not None and run._context_recorded.wait(30)
    info = mlm.get_run(run.run_id)
    head = git(repo, "rev-parse", "HEAD")
    assert info.tags["mlm.git.commit"] == head and info.tags["mlm.git.dirty"] == "true"
    assert info.tags["mlm.repo"] == "github.com/org/proj"
    assert info.tags["mlm.notebook"] == "nb/train.ipynb"
    (text,) = [t for t in tracking.files.texts(run.run_id) if t.name == "mlm/context.json"]
    ctx = json.loads(tracking.blobs.get_bytes(text.blob_id))
    assert ctx["git"]["branch"] and "train.ipynb" in ctx["git"]["diff"]
    assert "pytest" in ctx["environment"]["packages"]
    (saved,) = [a for a in tracking.files.artifacts(run.run_id) if a.name == "mlm/notebook.ipynb"]
    assert tracking.blobs.get_bytes(saved.blob_id) == notebook.read_bytes()
    for blob_id, _, _ in tracking.blobs.iter_blobs():
        data = tracking.blobs.get_bytes(blob_id)
        assert b"s3cr3t" not in data and b"alice" not in data
    dump = json.dumps([r.as_row() for r in mlm.runs()], default=str)
    assert "s3cr3t" not in dump
    db_file = tracking.engine.url.database
    if tracking.engine.dialect.name == "sqlite" and db_file:  # nor in the database file
        for suffix in ("", "-wal"):
            with open(db_file + suffix, "rb") as fh:
                assert b"s3cr3t" not in fh.read()


def test_capture_can_be_turned_off(tracking, monkeypatch):
    monkeypatch.setenv("MLM_CAPTURE", "0")
    with mlm.start_run("quiet") as run:
        pass
    assert run._context_recorded is None
    assert not [k for k in mlm.get_run(run.run_id).tags if k.startswith("mlm.")]
    assert tracking.files.texts(run.run_id) == []


def test_tags_given_at_start_are_not_overwritten_by_the_capture(tracking, tmp_path, monkeypatch):
    repo = tmp_path / "proj"
    git(tmp_path, "init", "-q", str(repo))
    notebook = repo / "here.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    git(repo, "remote", "add", "origin", "https://github.com/org/proj.git")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    given = {"mlm.notebook": "elsewhere/nb.ipynb", "mlm.repo": "github.com/acme/other"}
    with mlm.start_run("tagged", tags=given) as run:
        pass
    assert run._context_recorded is not None and run._context_recorded.wait(30)
    tags = mlm.get_run(run.run_id).tags
    assert {k: tags[k] for k in given} == given
    assert tags["mlm.git.commit"] == git(repo, "rev-parse", "HEAD")  # the rest is captured
