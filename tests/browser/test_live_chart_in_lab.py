"""End to end, in a real browser: ``%mlm_track start`` shows the live chart under its cell in
JupyterLab and in Notebook 7, the chart grows while a loop logs, and the store ends up with
every point. Screenshots (light and dark theme) go to tests/browser/artifacts/; with
MLM_UPDATE_SCREENSHOTS=1 the light JupyterLab one also replaces docs/live_chart_in_lab.png.

The DOM hook: the widget's element has ``data-mlm-chart="live"`` and ``data-points`` = the
number of points in the last drawing. A MutationObserver installed before the cells run
records every change of ``data-points`` and whether the loop cell was still running, so the
"it grows while the loop runs" check does not depend on when Python happens to poll.
"""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

from jupyter_mlm.store import open_store

from .conftest import CELLS, EXPERIMENT, LOOP_CELL, N_POINTS, REPO, START_CELL, JupyterServer

pytestmark = pytest.mark.slow

KERNEL_READY_TIMEOUT_MS = 60_000
CHART_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 90_000

KERNEL_READY_JS = """(n) => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  const sc = w && w.sessionContext;
  const kernel = sc && sc.session && sc.session.kernel;
  return !!(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
    && w.context && w.context.isReady && w.content && w.content.widgets.length === n);
}"""

KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(kernel && kernel.status === 'idle');
}"""

RECORD_POINTS_JS = """(loopCell) => {
  // [points, loop cell still running] at every change of data-points; the loop cell's
  // execution count stays null from run-all until its execute_reply arrives. (The kernel's
  // status is no use here: comm messages make it flip to idle while the loop runs.)
  window.__mlmPoints = [];
  const loopRunning = () => {
    try {
      const cell = window.jupyterapp.shell.currentWidget.content.widgets[loopCell];
      return cell.model.executionCount === null;
    } catch (e) { return null; }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      const v = r.target.getAttribute('data-points');
      if (v !== null && v !== '') window.__mlmPoints.push([Number(v), loopRunning()]);
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-points'] });
}"""

RUN_ALL_JS = """async () => {
  const app = window.jupyterapp;
  app.shell.activateById(app.shell.currentWidget.id);
  await app.commands.execute('notebook:run-all-cells');
}"""


def _cell(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def _outputs_text(page) -> str:
    texts = page.locator(".jp-Notebook .jp-Cell .jp-OutputArea").all_inner_texts()
    return "\n---\n".join(t.strip() for t in texts)


def _diagnostics(page, server: JupyterServer) -> str:
    try:
        outputs = _outputs_text(page)
    except Exception as err:  # the page may be gone
        outputs = f"(no outputs: {err})"
    console = "\n".join(getattr(page, "console_log", [])[-40:])
    return (
        f"\n== cell outputs ==\n{outputs}\n== browser console ==\n{console}"
        f"\n== server log ==\n{server.log_tail()}"
    )


def _set_theme(page, theme: str) -> None:
    """Switch theme and wait until the chart has been drawn again (it redraws on the change)."""
    chart = page.locator('[data-mlm-chart="live"]').first
    chart.evaluate("(el) => { el.dataset.points = ''; }")
    page.evaluate(
        "async (theme) => { await window.jupyterapp.commands.execute("
        "'apputils:change-theme', {theme}); }",
        theme,
    )
    page.wait_for_function(
        "(theme) => document.body.dataset.jpThemeName === theme", arg=theme, timeout=30_000
    )
    page.wait_for_function(
        "(n) => document.querySelector('[data-mlm-chart=\"live\"]').dataset.points === String(n)",
        arg=N_POINTS,
        timeout=30_000,
    )
    page.wait_for_timeout(500)  # let the theme's fonts and colours settle before the picture


def _check_store(server: JupyterServer) -> None:
    store = open_store(str(server.store))
    try:
        experiment = store.experiments.get(EXPERIMENT)
        runs = store.queries.search([experiment.experiment_id])
        assert len(runs) == 1, runs
        run = runs[0]
        assert run.status == "finished", run
        steps, values, _ = store.metrics.history(run.run_id, "loss")
        assert len(steps) == N_POINTS
        assert list(values) == pytest.approx([1 / (i + 1) for i in range(N_POINTS)])
    finally:
        store.close()


@pytest.mark.parametrize("jupyter_server", ["lab", "notebook"], indirect=True)
def test_live_chart_grows_while_the_loop_runs(jupyter_server: JupyterServer, page, artifacts):
    server = jupyter_server
    app = server.app
    failed_shot = artifacts / f"live_chart_{app}_FAILED.png"
    failed_shot.unlink(missing_ok=True)
    try:
        page.goto(server.notebook_url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_function(KERNEL_READY_JS, arg=len(CELLS), timeout=KERNEL_READY_TIMEOUT_MS)
        page.evaluate(RECORD_POINTS_JS, LOOP_CELL)
        page.evaluate(RUN_ALL_JS)

        # the chart shows up under the %mlm_track start cell
        chart = _cell(page, START_CELL).locator('[data-mlm-chart="live"]')
        chart.wait_for(state="visible", timeout=CHART_TIMEOUT_MS)

        # the %mlm_track stop cell prints "run NAME finished after ..."
        stop_output = _cell(page, len(CELLS) - 1).locator(".jp-OutputArea-output")
        stop_output.filter(has_text="finished").first.wait_for(timeout=RUN_TIMEOUT_MS)
        page.wait_for_function(KERNEL_IDLE_JS, timeout=RUN_TIMEOUT_MS)
        page.wait_for_function(
            "(n) => document.querySelector('[data-mlm-chart=\"live\"]').dataset.points "
            "=== String(n)",
            arg=N_POINTS,
            timeout=30_000,
        )

        history = page.evaluate("() => window.__mlmPoints")
        counts = [n for n, _ in history]
        # never shrinks, and ends with every point
        assert counts == sorted(counts), history
        assert counts[-1] == N_POINTS, history
        # drawn in several steps while the loop cell was running, not all at the end
        partial = sorted({n for n, running in history if 0 < n < N_POINTS and running is True})
        assert len(partial) >= 2, history
        assert len(page.locator('[data-mlm-chart="live"]').all()) == 1

        _check_store(server)

        chart.scroll_into_view_if_needed()
        light = artifacts / f"live_chart_{app}_light.png"
        page.screenshot(path=str(light))
        _set_theme(page, "JupyterLab Dark")
        chart.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"live_chart_{app}_dark.png"))
        _set_theme(page, "JupyterLab Light")
    except Exception as err:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(failed_shot))
        raise AssertionError(f"{app}: {err}{_diagnostics(page, server)}") from err

    if app == "lab" and os.environ.get("MLM_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(light, REPO / "docs" / "live_chart_in_lab.png")
