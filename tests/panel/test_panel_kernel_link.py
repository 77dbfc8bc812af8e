"""The labextension is the kernel's link to the open notebook, in a real JupyterLab with the
extension installed from the build: with an unsaved edit in a cell, ``%mlm_track checkpoint``
records the notebook as it is open (the edit included, and says so), and a run started in the
notebook snapshots the edit too; a page opened later links to the running kernel, a restarted
kernel links again once the extension is loaded, and a closed notebook closes its link.
Autosave is off, so edits reach the disk only through the link.
Screenshot: tests/browser/artifacts/panel_kernel_link.png."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlm.store import open_store
from jupyter_mlm.store.location import location_from
from jupyter_mlm.tracking.capture_hook import NOTEBOOK_ARTIFACT
from tests.browser.conftest import JupyterServer, _stop, start_jupyter
from tests.panel.conftest import KERNEL_TIMEOUT_MS, VIEWPORT, LabUser, make_repo

pytestmark = pytest.mark.slow

CELLS = [
    "%load_ext jupyter_mlm",
    "x = 1",
    '%mlm_track checkpoint -m "with my edit"',
    "import jupyter_mlm as mlm\nrun = mlm.start_run('linked')\nrun.finish()\nprint('RUN', run.run_id)",
    "from jupyter_mlm.ipython import kernel_link\nprint('LINKS', len(kernel_link._links))",
]
EDIT_CELL, CHECKPOINT_CELL, RUN_CELL, LINKS_CELL = 1, 2, 3, 4
FIRST_EDIT = "x = 'my unsaved edit'"
SECOND_EDIT = "x = 'edited again before the run'"
THIRD_EDIT = "x = 'edited in a page opened later'"
LINKED = '.jp-NotebookPanel[data-mlm-kernel-link="linked"]'


def _no_autosave(settings: Path) -> None:
    folder = settings / "@jupyterlab" / "docmanager-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))


def _get(server: JupyterServer, path: str) -> Any:
    with urllib.request.urlopen(f"{server.url}/mlm/api/{path}", timeout=10) as resp:
        return json.loads(resp.read())


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _output(user: LabUser, index: int) -> str:
    cell = user.page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(index)
    return cell.locator(".jp-OutputArea").inner_text()


def _edit_unsaved(user: LabUser, index: int, text: str, notebook: Path) -> None:
    user.type_into_cell(index, text)
    assert user.page.evaluate("window.jupyterapp.shell.currentWidget.context.model.dirty")
    assert text not in notebook.read_text()


def _snapshot(server: JupyterServer, run_id: str, timeout: float = 30) -> dict[str, Any]:
    """The notebook the run recorded (its capture runs in the background)."""
    deadline = time.monotonic() + timeout
    store = open_store(location_from(server.store))
    try:
        while True:
            found = [a for a in store.files.artifacts(run_id) if a.name == NOTEBOOK_ARTIFACT]
            if found:
                return json.loads(store.blobs.get_bytes(found[0].blob_id))
            assert time.monotonic() < deadline, f"run {run_id} recorded no notebook"
            time.sleep(0.2)
    finally:
        store.close()


def test_checkpoint_and_run_hold_the_unsaved_edit(browser, tmp_path: Path, artifacts: Path):
    server, proc = start_jupyter("lab", tmp_path, CELLS)
    failed_shot = artifacts / "panel_kernel_link_FAILED.png"
    failed_shot.unlink(missing_ok=True)
    _no_autosave(tmp_path / "settings")
    make_repo(server.root, "Ada Lovelace", "ada@example.com", ["test.ipynb"])
    notebook = server.root / "test.ipynb"
    user = LabUser(server, browser.new_page(viewport=VIEWPORT))
    try:
        user.open()
        user.run_cell(0)  # %load_ext: the kernel announces its target, the page links to it
        user.page.wait_for_selector(LINKED, state="attached", timeout=KERNEL_TIMEOUT_MS)

        _edit_unsaved(user, EDIT_CELL, FIRST_EDIT, notebook)
        user.run_cell(CHECKPOINT_CELL)
        first, source = _output(user, CHECKPOINT_CELL).strip().splitlines()
        assert source.strip() == "the notebook as open in JupyterLab, unsaved edits included"
        assert first.startswith("checkpoint ") and first.endswith(" — with my edit"), first
        assert " at " in first and "(main)" in first, first  # the git state of the repository

        listed = _get(server, "checkpoints?path=test.ipynb")["checkpoints"]
        (checkpoint,) = [c for c in listed if c["message"] == "with my edit"]
        assert checkpoint["checkpoint_id"].startswith(first.split()[1])
        content = _get(server, f"checkpoints/{checkpoint['checkpoint_id']}/content")["content"]
        assert _source(content["cells"][EDIT_CELL]) == FIRST_EDIT
        user.show_tab("Checkpoints")  # the timeline shows it
        user.page.locator(".jp-mlm-checkpoints .jp-mlm-message", has_text="with my edit").wait_for()

        _edit_unsaved(user, EDIT_CELL, SECOND_EDIT, notebook)
        user.run_cell(RUN_CELL)
        run_id = _output(user, RUN_CELL).split("RUN", 1)[1].split()[0]
        assert _source(_snapshot(server, run_id)["cells"][EDIT_CELL]) == SECOND_EDIT
        user.screenshot(artifacts, "panel_kernel_link.png")

        # a page opened later links to the running kernel without %load_ext (comm_info), and
        # the kernel asks it, not the closed page
        user.page.close()
        user = LabUser(server, browser.new_page(viewport=VIEWPORT))
        user.open()
        user.page.wait_for_selector(LINKED, state="attached", timeout=KERNEL_TIMEOUT_MS)
        _edit_unsaved(user, EDIT_CELL, THIRD_EDIT, notebook)
        user.run_cell(CHECKPOINT_CELL)
        assert "unsaved edits included" in _output(user, CHECKPOINT_CELL)
        assert THIRD_EDIT in notebook.read_text()

        # a restarted kernel has no link until the extension is loaded again
        user.page.evaluate(
            "async () => { await window.jupyterapp.shell.currentWidget.sessionContext"
            ".restartKernel(); }"
        )
        user.page.wait_for_selector(LINKED, state="detached", timeout=KERNEL_TIMEOUT_MS)
        user.run_cell(0)
        user.page.wait_for_selector(LINKED, state="attached", timeout=KERNEL_TIMEOUT_MS)

        # closing the notebook (its kernel keeps running) closes its link; reopened, it links
        user.page.evaluate(
            "async () => { const w = window.jupyterapp.shell.currentWidget;"
            " await w.context.save(); w.dispose(); }"
        )
        user.page.wait_for_selector(".jp-NotebookPanel", state="detached")
        user.open_more("test.ipynb")
        user.page.wait_for_selector(LINKED, state="attached", timeout=KERNEL_TIMEOUT_MS)
        user.run_cell(LINKS_CELL)
        assert _output(user, LINKS_CELL).strip() == "LINKS 1"
    except Exception as err:
        with contextlib.suppress(Exception):
            user.page.screenshot(path=str(failed_shot))
        raise AssertionError(f"{err}\n== server log ==\n{server.log_tail()}") from err
    finally:
        user.page.close()
        _stop(proc)
