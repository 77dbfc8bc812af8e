"""Record where a run comes from — notebook, git state, environment, the saved notebook —
on one background worker, so ``start_run`` stays fast. ``MLM_CAPTURE=0`` turns it off.

One long-lived worker, not a thread per run: starting a thread hands it the GIL for a
switch interval, which would cost the caller milliseconds.

A save hook (set by the kernel link when JupyterLab's labextension is linked) asks the open
notebook to be saved when a run starts; the worker waits for that save, bounded, before it
reads the notebook, so the snapshot holds what the user sees."""

from __future__ import annotations

import json
import os
import queue
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .run import Run

CONTEXT_TEXT = "mlm/context.json"
NOTEBOOK_ARTIFACT = "mlm/notebook.ipynb"
#: seconds the worker waits for a save asked for by the save hook
SAVE_WAIT = 3.0


class PendingSave(Protocol):
    def wait(self, timeout: float) -> None:
        """Return once the notebook is saved, or after ``timeout`` seconds."""


_Job = tuple["Run", str | None, threading.Event, PendingSave | None]
_queue: queue.SimpleQueue[_Job] = queue.SimpleQueue()
_pending: set[threading.Event] = set()
_lock = threading.Lock()
_worker: threading.Thread | None = None
_save_hook: Callable[[str], PendingSave | None] | None = None


def set_save_hook(hook: Callable[[str], PendingSave | None] | None) -> None:
    """``hook(run_id)`` is called on the thread starting a run and must be cheap; the worker
    calls ``wait`` on what it returns (None: read the file as it is) before reading the
    notebook, and that waiting side asks for the save."""
    global _save_hook
    _save_hook = hook


def start_capture(run: Run) -> threading.Event | None:
    """Queue the capture of the run's context; the returned event is set when it is stored."""
    global _worker
    if os.environ.get("MLM_CAPTURE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        cwd: str | None = os.getcwd()
    except OSError:
        cwd = None
    saving = None
    hook = _save_hook
    if hook is not None:
        try:
            saving = hook(run.run_id)
        except Exception as err:
            warnings.warn(f"jupyter-mlm: could not ask JupyterLab to save the notebook: {err}",
                          RuntimeWarning, stacklevel=2)  # fmt: skip
    done = threading.Event()
    with _lock:
        _pending.add(done)
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="jupyter-mlm-capture", daemon=True)
            _worker.start()
    _queue.put((run, cwd, done, saving))
    return done


def wait_for_captures(timeout: float = 30.0) -> None:
    """Let queued captures finish (at interpreter exit, so no run loses its context)."""
    with _lock:
        events = list(_pending)
    for event in events:
        event.wait(timeout)


def _after_fork_in_child() -> None:
    global _worker, _queue, _lock
    _worker, _queue, _lock = None, queue.SimpleQueue(), threading.Lock()
    _pending.clear()


def _work() -> None:
    while True:
        run, cwd, done, saving = _queue.get()
        try:
            _capture(run, cwd, saving)
        finally:
            done.set()
            with _lock:
                _pending.discard(done)


def _capture(run: Run, cwd: str | None, saving: PendingSave | None = None) -> None:
    try:
        if saving is not None:
            saving.wait(SAVE_WAIT)
        from ..capture.context import capture_context, context_tags
        from ..capture.notebook import notebook_path

        notebook = notebook_path()
        ctx = capture_context(notebook, cwd=cwd)
        store = run._store
        tags = context_tags(ctx)
        tags["mlm.captured_at"] = repr(ctx.pop("captured_at", ""))
        given = store.runs.get(run.run_id).tags  # tags the user set win over captured ones
        store.runs.set_tags(run.run_id, {k: v for k, v in tags.items() if k not in given})
        _attach_to_checkpoint(run, {**tags, **given})
        # without the time, an unchanged context is the same blob: written once, not per run
        store.files.add_text(
            run.run_id, CONTEXT_TEXT, json.dumps(ctx, default=str, sort_keys=True), None
        )
        path = (ctx.get("notebook") or {}).get("path")
        if path and os.path.isfile(path):  # as saved when the run started (or just after)
            store.files.add_artifact(run.run_id, path, NOTEBOOK_ARTIFACT)
    except Exception as err:
        warnings.warn(
            f"jupyter-mlm: could not record where run {run.name} comes from: {err}",
            RuntimeWarning,
            stacklevel=1,
        )


def _attach_to_checkpoint(run: Run, tags: dict[str, str]) -> None:
    """A checkpoint of the notebook saved between the run's start and this capture could not
    know the run came from it: link them now."""
    notebook = tags.get("mlm.notebook")
    if not notebook:
        return
    store = run._store
    store.checkpoints.attach_late_run(
        run.run_id,
        tags.get("mlm.repo", ""),
        notebook,
        run._info.start_time,
        store.checkpoints.datasets_of_runs([run.run_id]),
    )


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
