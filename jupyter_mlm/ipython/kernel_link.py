"""The kernel's link to the notebook open in JupyterLab: ``%mlm_track checkpoint`` and run starts
ask the labextension to save (and checkpoint) the open notebook, so what is recorded is what the
user sees, unsaved edits included. Without a linked frontend the saved file is used.

A kernel busy in a cell can send on iopub, but it reads the frontend's replies on the shell
channel only after the cell (ipykernel 7 routes them to the shell that sent the request; only an
awaiting async cell lets them in), so nothing here waits for a reply: callers watch for the
effect (a checkpoint in the store, the file's modification time), take a reply as a shortcut
when one arrives in time, and fall back to the saved file.

The comm target ``jupyter_mlm.kernel``, JSON messages:

- at ``%load_ext`` the kernel opens an announce comm to the frontends (a frontend that connects
  later finds it with ``comm_info``); a labextension answers by opening its own comm to the
  target with ``{"client", "path"}``; the kernel replies ``{"event": "linked"}``;
- kernel → the newest linked frontend showing the kernel's notebook: ``{"action":
  "checkpoint"|"save", "request_id", "message", "run_id"}``;
- frontend → kernel: ``{"event": "ack", "request_id", "status": "ok"|"error",
  "checkpoint_id"?, "error"?}``.

IPython and ``comm`` are imported only by ``install``.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from ..core.entities import CheckpointInfo

TARGET = "jupyter_mlm.kernel"
#: seconds ``%mlm_track checkpoint`` waits for the frontend's checkpoint before using the file
CHECKPOINT_REPLY_WAIT = 10.0
_MAX_ACKS = 100

_lock = threading.Lock()
_acked = threading.Condition(_lock)
_links: list[tuple[Any, str]] = []  # (a frontend's comm, the path it shows), newest last
_announce: Any = None
_kernel: Any = None
_acks: dict[str, dict[str, Any]] = {}
_last_save: _PendingSave | None = None


def install(shell: Any) -> None:
    """Register the comm target and announce it (``%load_ext``; again after ``%reload_ext``
    when the announce comm was closed). Outside a kernel (plain IPython) there is no frontend."""
    global _announce, _kernel
    if getattr(shell, "kernel", None) is None:
        return
    _kernel = shell.kernel
    from comm import create_comm, get_comm_manager

    from ..tracking import capture_hook

    get_comm_manager().register_target(TARGET, _on_open)
    capture_hook.set_save_hook(_save_before_snapshot)
    with _lock:
        if _announce is not None:
            return
    announce = create_comm(target_name=TARGET, data={"event": "announce", "version": 1})
    announce.on_close(lambda _msg: _forget_announce(announce))
    with _lock:
        _announce = announce


def linked(notebook: str | None = None) -> bool:
    """Whether a frontend (the labextension) has opened its link to this kernel; with
    ``notebook`` (a path), one showing that notebook."""
    return _link_for(notebook) is not None


def request_save(
    action: str,
    message: str | None = None,
    run_id: str | None = None,
    *,
    notebook: str | None = None,
) -> str | None:
    """Ask the newest linked frontend (showing ``notebook``, when given) to save (``"save"``)
    or save and checkpoint (``"checkpoint"``) its notebook; the request id, or None when no
    such frontend is linked."""
    comm = _link_for(notebook)
    if comm is None:
        return None
    request_id = uuid.uuid4().hex
    try:
        comm.send({"action": action, "request_id": request_id, "message": message,
                   "run_id": run_id})  # fmt: skip
    except Exception:  # the kernel is shutting down
        return None
    return request_id


def ack(request_id: str) -> dict[str, Any] | None:
    """The frontend's answer to a request, once it has arrived."""
    with _lock:
        return _acks.get(request_id)


# %mlm_track checkpoint ------------------------------------------------------------------------


@dataclass(frozen=True)
class FrontendCheckpoint:
    """What the frontend did: the checkpoint it recorded, or why the saved file is used."""

    info: CheckpointInfo | None
    why_not: str = ""


def checkpoint_from_frontend(
    path: str, message: str | None, *, timeout: float | None = None
) -> FrontendCheckpoint:
    """Ask the linked frontend to save and checkpoint the notebook at ``path``, then watch the
    store the server writes for that checkpoint (this notebook, this message, not there before
    the request) for up to ``timeout`` seconds (default ``CHECKPOINT_REPLY_WAIT``). An ack, when
    the kernel reads one in time, names the checkpoint or reports the frontend's error.

    When this gives up, the caller records the saved file itself: a frontend checkpoint that
    lands later is a second checkpoint (the one with the unsaved edits), never a lost one."""
    if not linked(path):
        return FrontendCheckpoint(None, _why_not_linked())
    from ..checkpoints import default_service

    service = default_service()
    ref = service.locate(path)
    store = service.store_for(path)
    message = message or None

    def newest() -> list[CheckpointInfo]:
        return store.checkpoints.find(repo=ref.repo, path=ref.path, limit=20)[0]

    before = {c.checkpoint_id for c in newest()}
    request_id = request_save("checkpoint", message, notebook=path)
    if request_id is None:
        return FrontendCheckpoint(None, _why_not_linked())
    timeout = CHECKPOINT_REPLY_WAIT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        answer = ack(request_id)
        if answer is not None and answer.get("status") != "ok":
            error = str(answer.get("error") or "no reason given")[:500]
            return FrontendCheckpoint(None, f"JupyterLab could not save the notebook ({error})")
        if answer is not None and isinstance(answer.get("checkpoint_id"), str):
            try:
                return FrontendCheckpoint(store.checkpoints.get(answer["checkpoint_id"]))
            except Exception:
                pass  # another store than ours: look for it by message below
        for info in newest():
            if info.checkpoint_id not in before and info.message == message:
                return FrontendCheckpoint(info)
        left = deadline - time.monotonic()
        if left <= 0:
            return FrontendCheckpoint(
                None, f"JupyterLab did not checkpoint the open notebook within {timeout:g} s"
            )
        with _acked:
            _acked.wait(min(0.05, left))


# run starts -----------------------------------------------------------------------------------


@dataclass
class _SaveAsked:
    """What the capture worker waits for before it snapshots a run's notebook."""

    run_id: str
    cell: str | None  # the execute request that started the run

    def wait(self, timeout: float) -> None:
        pending = _ask_to_save(self.run_id, self.cell)
        if pending is not None:
            pending.wait(timeout)


@dataclass
class _PendingSave:
    request_id: str
    path: str
    mtime_ns: int | None  # before the request
    cell: str | None

    def wait(self, timeout: float) -> None:
        """Until the file's modification time moves or the frontend answers (bounded)."""
        deadline = time.monotonic() + timeout
        while _mtime_ns(self.path) == self.mtime_ns and ack(self.request_id) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            with _acked:
                _acked.wait(min(0.02, left))


def _save_before_snapshot(run_id: str) -> _SaveAsked | None:
    """The capture hook, on the thread starting the run: only notes the run and its cell. The
    request is sent by the capture worker (a send wakes ipykernel's iopub thread, which would
    cost the caller about a millisecond)."""
    return _SaveAsked(run_id, _current_cell()) if _links else None


def _ask_to_save(run_id: str, cell: str | None) -> _PendingSave | None:
    """Ask the frontend to save the notebook; the runs a cell starts after its first share that
    request (a loop of runs saves once)."""
    global _last_save
    with _lock:
        last = _last_save
    if last is not None and cell is not None and last.cell == cell:
        return last
    from ..capture.notebook import notebook_path

    path = notebook_path()
    if path is None:
        return None
    mtime = _mtime_ns(path)
    request_id = request_save("save", run_id=run_id, notebook=path)
    if request_id is None:
        return None
    pending = _PendingSave(request_id, path, mtime, cell)
    with _lock:
        _last_save = pending
    return pending


def _link_for(notebook: str | None) -> Any:
    with _lock:
        for comm, shown in reversed(_links):
            if notebook is None or _shows(shown, notebook):
                return comm
    return None


def _shows(shown: str, notebook: str) -> bool:
    """Whether a frontend's document path (relative to the server root, maybe with a drive
    prefix such as ``RTC:``) names the notebook at ``notebook``; an empty one is trusted."""
    if not shown:
        return True
    if ":" in shown.split("/", 1)[0]:
        shown = shown.split(":", 1)[1]
    shown = shown.strip("/")
    full = os.path.normpath(notebook).replace(os.sep, "/")
    return full == shown or full.endswith("/" + shown)


def _why_not_linked() -> str:
    with _lock:
        if _links:
            return "the JupyterLab frontends linked to this kernel show other notebooks"
    return "no JupyterLab frontend is linked to this kernel"


def _current_cell() -> str | None:
    try:
        return _kernel.get_parent()["header"]["msg_id"]
    except Exception:
        return None


def _mtime_ns(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


# comm callbacks (on the kernel's shell thread or a subshell thread) ---------------------------


def _on_open(comm: Any, msg: dict[str, Any]) -> None:
    data = msg.get("content", {}).get("data")
    shown = data.get("path") if isinstance(data, dict) else None
    with _lock:
        _links.append((comm, shown if isinstance(shown, str) else ""))
    comm.on_msg(_on_msg)
    comm.on_close(lambda _msg: _forget_link(comm))
    comm.send({"event": "linked"})


def _on_msg(msg: dict[str, Any]) -> None:
    data = msg.get("content", {}).get("data")
    if not isinstance(data, dict) or data.get("event") != "ack":
        return
    request_id = data.get("request_id")
    if not isinstance(request_id, str):
        return
    with _acked:
        if len(_acks) >= _MAX_ACKS:
            _acks.pop(next(iter(_acks)))
        _acks[request_id] = data
        _acked.notify_all()


def _forget_link(comm: Any) -> None:
    with _lock:
        _links[:] = [link for link in _links if link[0] is not comm]


def _forget_announce(comm: Any) -> None:
    """A frontend without the labextension closes the announce comm; the target stays."""
    global _announce
    with _lock:
        if _announce is comm:
            _announce = None
