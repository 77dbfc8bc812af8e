"""``%mlm_track checkpoint [-m MESSAGE]``: the saved notebook the kernel runs goes straight into
the store, with its git state and the runs started from it; clear errors without a notebook."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

import jupyter_mlm as mlm
from jupyter_mlm.checkpoints.locate import locate
from jupyter_mlm.store import open_store

from .conftest import NOTEBOOK, ROOT
from .conftest import git as _git


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
    line, source = capsys.readouterr().out.strip().splitlines()
    assert source == (
        "  the saved file, without unsaved edits: no JupyterLab frontend is linked to this kernel"
    )
    head = _git(repo, "rev-parse", "HEAD")
    assert re.fullmatch(
        rf"checkpoint ([0-9a-f]{{8}}) of nb\.ipynb at {head[:10]}\* \(main\): 1 run, "
        r"0 datasets — before tuning",
        line,
    ), line
    with open_store(os.environ["MLM_STORE"]) as store:
        (info,), _ = store.checkpoints.find(repo=here.repo, path="nb.ipynb")
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
        (info,), _ = store.checkpoints.find(path="nb.ipynb")
    assert info.message == "first" and info.kind == "notebook"
