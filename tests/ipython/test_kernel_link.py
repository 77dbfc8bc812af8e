"""The kernel's side of the link to JupyterLab, in a real kernel: this test plays the frontend
over the kernel's own channels (the comm messages the labextension sends), so what is checked is
the protocol and what the kernel records, not a fake. The labextension itself is exercised by
tests/panel/test_panel_kernel_link.py."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import start_new_kernel

from jupyter_mlm.checkpoints import Author, CheckpointService
from jupyter_mlm.checkpoints.content import join_notebook, manifest_of
from jupyter_mlm.ipython.kernel_link import TARGET, _shows
from jupyter_mlm.store import open_store
from jupyter_mlm.tracking.capture_hook import NOTEBOOK_ARTIFACT

from .conftest import NOTEBOOK, ROOT

EDITED = {**NOTEBOOK, "cells": [{**NOTEBOOK["cells"][0], "source": "x = 'my unsaved edit'"}]}
Request = dict[str, Any]


class Frontend:
    """The test as the labextension: opens its link, answers (or not) the kernel's requests."""

    def __init__(self, kc: Any) -> None:
        self.kc = kc
        self.comm_id: str | None = None
        self.requests: list[Request] = []
        self.comm_messages: list[dict[str, Any]] = []

    def send(self, msg_type: str, content: dict[str, Any]) -> str:
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def link(self, path: str = "nb.ipynb") -> None:
        comm_id = uuid.uuid4().hex
        parent = self.send("comm_open", {"comm_id": comm_id, "target_name": TARGET,
                                         "data": {"client": "test", "path": path}})  # fmt: skip
        for msg in self._iopub_until_idle(parent):
            if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
                assert msg["content"]["data"] == {"event": "linked"}
                self.comm_id = comm_id
        assert self.comm_id == comm_id, "the kernel did not answer the link"

    def ack(self, request: Request, **fields: Any) -> None:
        self.send("comm_msg", {"comm_id": self.comm_id, "data": {
            "event": "ack", "request_id": request["request_id"], **fields}})  # fmt: skip

    def execute(self, code: str, answer: Callable[[Request], None] | None = None) -> str:
        """Run ``code``; ``answer(request)`` for each request the kernel sends meanwhile; the
        text printed."""
        parent = self.kc.execute(code)
        printed = []
        for msg in self._iopub_until_idle(parent):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind == "error":
                raise AssertionError("\n".join(content["traceback"]))
            elif kind == "comm_msg" and content["comm_id"] == self.comm_id:
                self.requests.append(content["data"])
                if answer is not None:
                    answer(content["data"])
        return "".join(printed)

    def _iopub_until_idle(self, parent: str, timeout: float = 60) -> Iterator[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["msg_type"].startswith("comm_"):  # the capture worker sends on its own
                self.comm_messages.append(msg)
                yield msg
            elif msg["parent_header"].get("msg_id") != parent:
                continue
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return
            else:
                yield msg


@pytest.fixture
def kernel(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Frontend]:
    """A real kernel running nb.ipynb of ``repo`` (run context captured), with the extension
    loaded; this test is its frontend, not linked yet."""
    monkeypatch.delenv("MLM_CAPTURE")
    env = {**os.environ, "JPY_SESSION_NAME": "nb.ipynb", "PYTHONPATH": str(ROOT)}
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(repo))
    frontend = Frontend(kc)
    try:
        frontend.execute("%load_ext jupyter_mlm")
        yield frontend
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _checkpoints(message: str) -> list[Any]:
    with open_store(os.environ["MLM_STORE"]) as store:
        infos, _ = store.checkpoints.find(path="nb.ipynb", limit=100)
        return [(i, _content(store, i)) for i in infos if i.message == message]


def _content(store: Any, info: Any) -> dict[str, Any]:
    return join_notebook(manifest_of(info.manifest_id, store.chunks.get), store.chunks.get)


def _as_the_labextension(frontend: Frontend, repo: Path) -> Callable[[Request], None]:
    """What the labextension does on ``checkpoint``: save the open notebook (here: write the
    edited one), ``POST /mlm/api/checkpoints`` (here: the service the server calls), ack."""
    service = CheckpointService()

    def answer(request: Request) -> None:
        assert request["action"] == "checkpoint"
        (repo / "nb.ipynb").write_text(json.dumps(EDITED))
        author = Author("lab-user", "Lab User", "jupyter")
        info = service.create(str(repo / "nb.ipynb"), author, message=request["message"])
        service.wait(10)
        frontend.ack(request, status="ok", checkpoint_id=info.checkpoint_id)

    return answer


def test_the_kernel_announces_its_target(kernel: Frontend):
    (announce,) = [m for m in kernel.comm_messages if m["msg_type"] == "comm_open"]
    assert announce["content"]["target_name"] == TARGET
    assert announce["content"]["data"] == {"event": "announce", "version": 1}


def test_without_a_link_nothing_is_sent_and_the_saved_file_is_checkpointed(
    kernel: Frontend, repo: Path
):
    printed = kernel.execute('%mlm_track checkpoint -m "saved one"')
    printed += kernel.execute("import jupyter_mlm as mlm\nmlm.start_run('e').finish()\n"
                              "mlm.tracking.capture_hook.wait_for_captures()")  # fmt: skip
    assert kernel.requests == []
    assert [m["msg_type"] for m in kernel.comm_messages] == ["comm_open"]  # the announce only
    assert printed.splitlines()[1] == (
        "  the saved file, without unsaved edits: no JupyterLab frontend is linked to this kernel"
    )
    ((_, content),) = _checkpoints("saved one")
    assert content["cells"][0]["source"] == "x = 1"


def test_a_frontend_showing_another_notebook_is_not_asked(kernel: Frontend, repo: Path):
    kernel.link("elsewhere/other.ipynb")  # that notebook runs on this kernel too
    printed = kernel.execute('%mlm_track checkpoint -m "mine"')
    assert kernel.requests == []
    assert printed.splitlines()[1] == (
        "  the saved file, without unsaved edits: the JupyterLab frontends linked to this kernel "
        "show other notebooks"
    )


@pytest.mark.parametrize(
    ("shown", "same"),
    [("work/nb.ipynb", True), ("nb.ipynb", True), ("RTC:work/nb.ipynb", True), ("", True),
     ("/work/nb.ipynb", True), ("other/nb.ipynb", False), ("b.ipynb", False)],
)  # fmt: skip
def test_which_frontend_path_is_the_kernels_notebook(shown: str, same: bool):
    assert _shows(shown, "/srv/work/nb.ipynb") is same


def test_a_linked_frontend_checkpoints_the_open_notebook(kernel: Frontend, repo: Path):
    kernel.link()
    printed = kernel.execute(
        '%mlm_track checkpoint -m "with my edit"', _as_the_labextension(kernel, repo)
    )
    (request,) = kernel.requests
    assert request["action"] == "checkpoint" and request["message"] == "with my edit"
    first, source = printed.strip("\n").splitlines()
    assert first.startswith("checkpoint ") and first.endswith(" — with my edit")
    assert source == "  the notebook as open in JupyterLab, unsaved edits included"
    ((info, content),) = _checkpoints("with my edit")  # recorded once, by the "server"
    assert info.author == "lab-user" and first.split()[1] == info.checkpoint_id[:8]
    assert content["cells"][0]["source"] == "x = 'my unsaved edit'"
    assert " at " in first and "(main)" in first  # the git state, filled in by then


def test_a_silent_frontend_falls_back_to_the_saved_file(kernel: Frontend, repo: Path):
    kernel.link()
    kernel.execute("import jupyter_mlm.ipython.kernel_link as k; k.CHECKPOINT_REPLY_WAIT = 1")
    t0 = time.monotonic()
    printed = kernel.execute('%mlm_track checkpoint -m "nobody answers"')
    assert time.monotonic() - t0 < 10
    assert [r["action"] for r in kernel.requests] == ["checkpoint"]
    assert printed.splitlines()[1] == (
        "  the saved file, without unsaved edits: JupyterLab did not checkpoint the open "
        "notebook within 1 s"
    )
    ((info, content),) = _checkpoints("nobody answers")
    assert info.author == "ada@example.com" and content["cells"][0]["source"] == "x = 1"


def test_a_frontend_error_read_in_time_ends_the_wait(kernel: Frontend, repo: Path):
    """When the kernel can read the ack while it waits (here an async cell, whose awaits let
    ipykernel dispatch comm messages), a failed save ends the wait at once."""
    kernel.link()
    code = ("import asyncio, time\nfrom jupyter_mlm.ipython import kernel_link as k\nt0 = time.monotonic()\n"
            f"got = await asyncio.to_thread(k.checkpoint_from_frontend, {str(repo / 'nb.ipynb')!r}, "
            "'m', timeout=30)\nprint(got.info, got.why_not, time.monotonic() - t0 < 20)")  # fmt: skip
    printed = kernel.execute(code, lambda r: kernel.ack(r, status="error", error="disk full"))
    assert printed.strip() == "None JupyterLab could not save the notebook (disk full) True"


def test_a_run_start_snapshots_the_notebook_the_frontend_saved(kernel: Frontend, repo: Path):
    kernel.link()
    nb = repo / "nb.ipynb"

    def save(request: Request) -> None:
        assert request["action"] == "save"
        time.sleep(0.2)  # the browser's round trip: the run has started by now
        nb.write_text(json.dumps(EDITED))
        kernel.ack(request, status="ok")

    code = ("import jupyter_mlm as mlm\nruns = [mlm.start_run('linked') for _ in range(3)]\n"
            "for r in runs: r.finish()\nprint(' '.join(r.run_id for r in runs))")  # fmt: skip
    run_ids = kernel.execute(code, save).split()
    kernel.execute("from jupyter_mlm.tracking.capture_hook import wait_for_captures\n"
                   "wait_for_captures()", save)  # fmt: skip
    (request,) = kernel.requests  # the three runs of one cell share one save
    assert request["run_id"] == run_ids[0]

    # a frontend that does not save: the capture waits a bounded time, then reads the file
    t0 = time.monotonic()
    silent = kernel.execute("run = mlm.start_run('linked'); run.finish(); print(run.run_id)\n"
                            "wait_for_captures()")  # fmt: skip
    assert 2.5 < time.monotonic() - t0 < 10
    assert len(kernel.requests) == 2
    with open_store(os.environ["MLM_STORE"]) as store:
        for run_id in [*run_ids, silent.strip()]:
            (saved,) = [a for a in store.files.artifacts(run_id) if a.name == NOTEBOOK_ARTIFACT]
            assert store.blobs.get_bytes(saved.blob_id) == nb.read_bytes()
    assert json.loads(nb.read_bytes()) == EDITED
