"""Record where a run comes from — notebook, git state, environment, the saved notebook —
on a background thread, so ``start_run`` stays fast. ``MLM_CAPTURE=0`` turns it off."""

from __future__ import annotations

import json
import os
import threading
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .run import Run

CONTEXT_TEXT = "mlm/context.json"
NOTEBOOK_ARTIFACT = "mlm/notebook.ipynb"


def start_capture(run: Run) -> threading.Thread | None:
    """Capture the run's context in the background; ``Run.finish`` waits for it."""
    if os.environ.get("MLM_CAPTURE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        cwd: str | None = os.getcwd()
    except OSError:
        cwd = None
    thread = threading.Thread(
        target=_capture, args=(run, cwd), name="jupyter-mlm-capture", daemon=True
    )
    thread.start()
    return thread


def _capture(run: Run, cwd: str | None) -> None:
    try:
        from ..capture.context import capture_context, context_tags
        from ..capture.notebook import notebook_path

        notebook = notebook_path()
        ctx = capture_context(notebook, cwd=cwd)
        store = run._store
        store.set_tags(run.run_id, context_tags(ctx))
        store.add_text(run.run_id, CONTEXT_TEXT, json.dumps(ctx, default=str), None)
        path = (ctx.get("notebook") or {}).get("path")
        if path and os.path.isfile(path):  # the notebook as last saved when the run started
            store.add_artifact(run.run_id, path, NOTEBOOK_ARTIFACT)
    except Exception as err:
        warnings.warn(
            f"jupyter-mlm: could not record where run {run.name} comes from: {err}",
            RuntimeWarning,
            stacklevel=1,
        )
