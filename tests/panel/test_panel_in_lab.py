"""The Model management side panel (labextension/src/panel) in a real JupyterLab with the
extension installed from the build: a readable error when the server extension is missing, and
10,000 runs of one notebook painted within a second, paged on scroll, selectable by keyboard.

Screenshots go to tests/browser/artifacts/panel_*.png.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from jupyter_mlm.store import open_store
from jupyter_mlm.store.location import location_from
from tests.browser.conftest import JupyterServer, _stop, start_jupyter

from .conftest import KERNEL_IDLE_JS

pytestmark = pytest.mark.slow

N_RUNS = 10_000
FIRST_PAINT_BAR_MS = 1000
PANEL_TIMEOUT_MS = 20_000

#: ms from asking for the panel to the first painted frame holding a row of ``list_selector``
FIRST_PAINT_JS = """(listSelector) => new Promise(resolve => {
  const t0 = performance.now();
  window.jupyterapp.shell.activateById('jupyter-mlm-panel');
  const check = () => document.querySelector(listSelector + ' .jp-mlm-vlist-row')
    ? requestAnimationFrame(() => resolve(performance.now() - t0))
    : requestAnimationFrame(check);
  check();
})"""


def _open_notebook(browser, server: JupyterServer):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server.notebook_url)
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_selector("#jupyter-mlm-panel", state="attached", timeout=PANEL_TIMEOUT_MS)
    return page


def test_panel_says_when_the_server_extension_is_missing(
    browser, tmp_path: Path, artifacts: Path
) -> None:
    config = tmp_path / "config"  # start_jupyter points JUPYTER_CONFIG_DIR here
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_mlm": False}}})
    )
    server, proc = start_jupyter("lab", tmp_path, ["%load_ext jupyter_mlm"])
    try:
        page = _open_notebook(browser, server)
        page.evaluate("window.jupyterapp.commands.execute('jupyter-mlm:open-panel')")
        error = page.locator(".jp-mlm-runs .jp-mlm-error")
        error.wait_for(timeout=PANEL_TIMEOUT_MS)
        text = error.inner_text()
        assert "Loading runs failed" in text
        assert "did not answer at mlm/api/runs (404 Not Found)" in text
        assert "jupyter server extension list" in text
        assert error.locator("button", has_text="Retry").is_visible()
        page.screenshot(path=str(artifacts / "panel_missing_extension.png"))
        page.click("#jp-mlm-section-checkpoints-tab")
        checkpoints_error = page.locator(".jp-mlm-checkpoints .jp-mlm-error")
        checkpoints_error.wait_for(timeout=PANEL_TIMEOUT_MS)
        assert "mlm/api/checkpoints" in checkpoints_error.inner_text()
        page.close()
    finally:
        _stop(proc)


def _seed_runs(store_dir: Path, notebook: str, n: int) -> None:
    store = open_store(location_from(store_dir))
    try:
        exp = store.experiments.get_or_create("scale")
        for i in range(n):
            run = store.runs.create(
                exp.experiment_id,
                name=f"run-{i}",
                params={"lr": 10.0 ** -(i % 5), "seed": i % 7},
                tags={"mlm.notebook": notebook},
                parent_run_id=None,
            )
            store.runs.end(run.run_id, "failed" if i % 10 == 0 else "finished")
    finally:
        store.close()


def test_panel_paints_10000_runs_within_a_second(browser, tmp_path: Path, artifacts: Path) -> None:
    _seed_runs(tmp_path / "store", "test.ipynb", N_RUNS)  # start_jupyter's MLM_STORE
    server, proc = start_jupyter("lab", tmp_path, ["%load_ext jupyter_mlm"])
    try:
        page = _open_notebook(browser, server)
        # let JupyterLab settle (its kernel started): the measure is the panel's, not the app's
        page.wait_for_function(KERNEL_IDLE_JS, arg="test.ipynb", timeout=60_000)
        time.sleep(0.5)
        ms = page.evaluate(FIRST_PAINT_JS, ".jp-mlm-runs")
        print(f"first paint of {N_RUNS:,} runs: {ms:.0f} ms")
        status = page.locator(".jp-mlm-runs .jp-mlm-status-line")
        assert status.inner_text() == f"200 of {N_RUNS:,} runs"
        assert ms <= FIRST_PAINT_BAR_MS, f"first paint took {ms:.0f} ms"
        rows = page.locator(".jp-mlm-runs .jp-mlm-vlist-row")
        assert rows.count() < 60  # windowed: only the rows in view are in the DOM
        assert rows.first.locator(".jp-mlm-run-name").inner_text() == f"run-{N_RUNS - 1}"

        # scrolling to the end of what is loaded loads the next page
        page.evaluate(
            "() => { const l = document.querySelector('.jp-mlm-runs .jp-mlm-vlist');"
            " l.scrollTop = l.scrollHeight; }"
        )
        page.wait_for_function(
            "() => document.querySelector('.jp-mlm-runs .jp-mlm-status-line')"
            ".textContent.startsWith('400 of')",
            timeout=PANEL_TIMEOUT_MS,
        )

        # keyboard: the list is one tab stop; Space ticks the active run, arrows move
        page.evaluate(
            "() => { const l = document.querySelector('.jp-mlm-runs .jp-mlm-vlist');"
            " l.scrollTop = 0; }"
        )
        page.focus(".jp-mlm-runs .jp-mlm-vlist")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        assert status.inner_text().endswith("· 2 selected")
        assert page.evaluate(
            "window.jupyterapp.commands.isEnabled('jupyter-mlm:compare-selected-runs')"
        )
        page.screenshot(path=str(artifacts / "panel_runs_10000.png"))
        page.close()
    finally:
        _stop(proc)
