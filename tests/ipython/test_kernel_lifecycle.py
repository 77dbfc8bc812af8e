"""A run that spans cells in a real kernel ends ``crashed`` when the kernel shuts down or is
restarted, never ``running``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from jupyter_mlm.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def _execute(kc, code: str) -> None:
    reply = kc.execute_interactive(code, timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]


@pytest.mark.parametrize("how", ["shutdown", "restart"])
def test_kernel_shutdown_or_restart_leaves_the_run_crashed(tmp_path, how):
    env = {**os.environ, "MLM_STORE": str(tmp_path / "store"), "PYTHONPATH": str(ROOT)}
    env.pop("MLM_ARTIFACTS", None)
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(tmp_path))
    try:
        _execute(kc, "%load_ext jupyter_mlm")
        _execute(kc, "%mlm_track start lifecycle --quiet")
        _execute(kc, "import jupyter_mlm as mlm\nfor i in range(100): mlm.log(loss=float(i))")
        if how == "restart":
            km.restart_kernel(now=False)
        else:
            km.shutdown_kernel(now=False)
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    with open_store(str(tmp_path / "store")) as st:
        (run,) = st.queries.search()
        assert run.status == "crashed"
        assert run.metrics["loss"].count == 100  # flushed on the way down
