from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_mlm.capture import context as context_module
from jupyter_mlm.capture.context import capture_context, context_tags

from .conftest import git


def test_notebook_context(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "remote", "add", "origin", "git@github.com:org/project.git")
    monkeypatch.chdir(tmp_path)
    notebook = repo / "notebooks" / "train.ipynb"
    ctx = capture_context(str(notebook))
    assert ctx["notebook"] == {
        "path": str(notebook),
        "identity": {"repo": "github.com/org/project", "path": "notebooks/train.ipynb"},
    }
    assert ctx["git"]["root"] == str(repo)
    assert ctx["git"]["commit"] == git(repo, "rev-parse", "HEAD")
    assert "pytest" in ctx["environment"]["packages"]
    assert isinstance(ctx["captured_at"], float)
    assert json.loads(json.dumps(ctx)) == ctx

    tags = context_tags(ctx)
    assert tags == {
        "mlm.notebook": "notebooks/train.ipynb",
        "mlm.repo": "github.com/org/project",
        "mlm.git.commit": ctx["git"]["commit"],
        "mlm.git.branch": "main",
        "mlm.git.dirty": "false",
        "mlm.python": ctx["environment"]["python"]["version"],
        "mlm.host": ctx["environment"]["hostname"],
    }


def test_relative_notebook_path_is_resolved_against_cwd(repo: Path) -> None:
    ctx = capture_context("notebooks/train.ipynb", cwd=str(repo))
    assert ctx["notebook"]["path"] == str(repo / "notebooks" / "train.ipynb")
    assert ctx["notebook"]["identity"]["path"] == "notebooks/train.ipynb"


def test_script_context_reads_git_from_cwd(repo: Path) -> None:
    (repo / "src" / "model.py").write_text("x = 3\n")
    ctx = capture_context(cwd=str(repo / "src"))
    assert ctx["notebook"] == {"path": None, "identity": None}
    assert ctx["git"]["dirty"] is True
    tags = context_tags(ctx)
    assert "mlm.notebook" not in tags
    assert tags["mlm.git.dirty"] == "true"
    assert tags["mlm.repo"].startswith("root:")


def test_context_outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "nb.ipynb").write_text("{}")
    monkeypatch.setenv("JUPYTER_SERVER_ROOT", str(tmp_path))
    ctx = capture_context(str(tmp_path / "nb.ipynb"))
    assert ctx["git"] is None
    assert ctx["notebook"]["identity"] == {"repo": None, "path": "nb.ipynb"}
    tags = context_tags(ctx)
    assert tags["mlm.notebook"] == "nb.ipynb"
    assert not any(key.startswith(("mlm.git", "mlm.repo")) for key in tags)


def test_credentials_appear_nowhere_in_the_context(repo: Path) -> None:
    git(repo, "remote", "add", "origin", "https://alice:s3cr3t@github.com/org/repo.git")
    git(repo, "remote", "add", "mirror", "https://alice:s3cr3t@gitlab.com/org/repo.git")
    (repo / "notebooks" / "train.ipynb").write_text('{"cells": []}\n')
    ctx = capture_context(str(repo / "notebooks" / "train.ipynb"))
    assert ctx["git"]["remote_url"] == "https://github.com/org/repo.git"
    text = json.dumps(ctx) + json.dumps(context_tags(ctx))
    assert "s3cr3t" not in text
    assert "alice" not in text


def test_a_broken_repository_does_not_break_the_run(repo: Path) -> None:
    git(repo, "remote", "add", "origin", "https://alice:s3cr3t@github.com/org/repo.git")
    (repo / ".git" / "index").write_text("garbage")
    ctx = capture_context(str(repo / "notebooks" / "train.ipynb"))
    assert "index" in ctx["git"]["error"]
    assert ctx["notebook"]["identity"] == {
        "repo": "github.com/org/repo",
        "path": "notebooks/train.ipynb",
    }
    assert "pytest" in ctx["environment"]["packages"]
    tags = context_tags(ctx)
    assert tags["mlm.notebook"] == "notebooks/train.ipynb"
    assert tags["mlm.repo"] == "github.com/org/repo"
    assert "mlm.git.commit" not in tags
    json.dumps(ctx)


def test_failing_sections_are_recorded_not_raised(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("fatal: https://alice:s3cr3t@example.com/x went away")

    monkeypatch.setattr(context_module, "capture_git", boom)
    monkeypatch.setattr(context_module, "notebook_identity", boom)
    monkeypatch.setattr(context_module, "capture_environment", boom)
    ctx = capture_context(str(repo / "notebooks" / "train.ipynb"))
    assert ctx["git"] == {"error": "RuntimeError: fatal: https://example.com/x went away"}
    assert ctx["notebook"]["identity"] == ctx["git"]
    assert ctx["environment"] == ctx["git"]
    assert context_tags(ctx) == {}


def test_tags_tolerate_partial_contexts() -> None:
    assert context_tags({}) == {}
    assert context_tags({"git": None, "notebook": {"path": None, "identity": None}}) == {}
    assert context_tags({"git": {"dirty": False, "branch": None}}) == {"mlm.git.dirty": "false"}
