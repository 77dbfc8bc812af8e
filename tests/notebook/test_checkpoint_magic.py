"""``%mlm_track checkpoint [-m MESSAGE]``: the saved notebook the kernel runs goes straight into
the store, with its git state and the runs started from it; clear errors without a notebook."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

import jupyter_mlm as mlm
from jupyter_mlm.checkpoints.locate import locate
from jupyter_mlm.store import open_store

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": None,
               "source": "x = 1", "outputs": []}],
}  # fmt: skip


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True)  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding a saved notebook; the store in a temp folder."""
    from jupyter_mlm.tracking.fluent import reset_store_cache

    root = tmp_path / "project"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "Ada Lovelace")
    _git(root, "config", "user.email", "ada@example.com")
    (root / "nb.ipynb").write_text(json.dumps(NOTEBOOK))
    _git(root, "add", "nb.ipynb")
    _git(root, "commit", "-q", "-m", "notebook")
    monkeypatch.setenv("MLM_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("MLM_CAPTURE", "0")
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    reset_store_cache()
    yield root
    reset_store_cache()


@pytest.fixture
def shell():
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "jupyter_mlm")
    yield sh
    sh.run_line_magic("reset", "-f")


def test_checkpoint_records_the_saved_notebook_with_git_state_and_runs(
    shell, repo: Path, monkeypatch, capsys
):
    nb = repo / "nb.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", str(nb))
    here = locate(str(nb))
    with mlm.start_run("exp", tags={"mlm.notebook": here.path, "mlm.repo": here.repo}) as run:
        run.log(loss=1.0)
    nb.write_text(json.dumps({**NOTEBOOK, "metadata": {"edited": True}}))  # saved, uncommitted

    shell.run_cell('%mlm_track checkpoint -m "before tuning"', store_history=False)
    line = capsys.readouterr().out.strip()
    head = _git(repo, "rev-parse", "HEAD")
    assert re.fullmatch(
        rf"checkpoint ([0-9a-f]{{8}}) of nb\.ipynb at {head[:10]}\* \(main\): 1 run, "
        r"0 datasets — before tuning",
        line,
    ), line
    with open_store(os.environ["MLM_STORE"]) as store:
        (info,), _ = store.list_checkpoints(repo=here.repo, path="nb.ipynb")
    assert info.checkpoint_id.startswith(line.split()[1])
    assert (info.message, info.author, info.git_commit, info.git_dirty) == (
        "before tuning",
        "ada@example.com",
        head,
        True,
    )
    assert [r["run_id"] for r in info.runs] == [run.run_id]
    assert info.size == nb.stat().st_size


def test_without_a_notebook_it_says_so(shell, repo, capsys):
    result = shell.run_cell("%mlm_track checkpoint", store_history=False)
    out = capsys.readouterr()
    assert result.success and "Traceback" not in out.out + out.err
    assert "no notebook to checkpoint" in out.out and "console or plain IPython" in out.out


def test_an_unreadable_notebook_is_a_clear_error(shell, repo: Path, monkeypatch, capsys):
    monkeypatch.setenv("JPY_SESSION_NAME", str(repo / "gone.ipynb"))
    shell.run_cell("%mlm_track checkpoint", store_history=False)
    out = capsys.readouterr().out
    assert f"cannot read the notebook {repo / 'gone.ipynb'}" in out
    assert "No such file" in out


def test_in_a_real_kernel(repo: Path, tmp_path):
    """The kernel a Jupyter server starts gets ``JPY_SESSION_NAME``; the magic uses it."""
    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "JPY_SESSION_NAME": "nb.ipynb", "PYTHONPATH": str(ROOT)}
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(repo))
    printed: list[str] = []

    def keep(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])

    try:
        for code in ("%load_ext jupyter_mlm", "%mlm_track checkpoint -m first"):
            reply = kc.execute_interactive(code, timeout=60, output_hook=keep)
            assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "".join(printed).startswith("checkpoint ") and "of nb.ipynb at " in printed[0]
    with open_store(os.environ["MLM_STORE"]) as store:
        (info,), _ = store.list_checkpoints(path="nb.ipynb")
    assert info.message == "first" and info.kind == "notebook"
