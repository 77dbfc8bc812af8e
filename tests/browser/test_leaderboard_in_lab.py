"""End to end, in a real JupyterLab: ``mlm.leaderboard`` shows the runs of an experiment ranked
by a metric, a click on the metric's header re-sorts the table, and ticking a row's checkbox
reaches the kernel as ``board.selected``. The screenshot goes to
tests/browser/artifacts/leaderboard_lab.png; with MLM_UPDATE_SCREENSHOTS=1 it also replaces
docs/leaderboard_in_lab.png.

The DOM hook (labextension/src/widget/leaderboard.js): the widget's element has the class
``mlm-leaderboard``; each body row ``tr`` has ``data-rank`` and ``data-run-ids``, its cells are
checkbox, rank, value, name, status, then one per param; headers have ``data-column``
("value" for the metric); the ``.mlm-note`` text says "N runs selected".
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil

import pytest

from .conftest import REPO, JupyterServer
from .test_live_chart_in_lab import (
    KERNEL_IDLE_JS,
    KERNEL_READY_JS,
    KERNEL_READY_TIMEOUT_MS,
    RUN_ALL_JS,
    _diagnostics,
)

pytestmark = pytest.mark.slow

BOARD_EXPERIMENT = "board-exp"
#: (lr, acc) of the runs, logged in this (unsorted) order
RUNS = [(0.1, 0.7), (0.01, 0.9), (0.001, 0.8), (0.0001, 0.6)]
BOARD_CELLS = [
    "import jupyter_mlm as mlm\n"
    f"for lr, a in {RUNS!r}:\n"
    f"    with mlm.start_run({BOARD_EXPERIMENT!r}, params={{'lr': lr}}) as r:\n"
    "        r.log(acc=a)\n"
    "print('logged', 4)",
    f"board = mlm.leaderboard({BOARD_EXPERIMENT!r}, 'acc', 'max'); board",
    "import json\nprint('SELECTED=' + json.dumps(sorted(board.selected)))",
]
BOARD_CELL = 1
SELECTED_CELL = 2

WIDGET_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 60_000
SELECT_ATTEMPTS = 3

RUN_CELL_JS = """async (i) => {
  const app = window.jupyterapp;
  const w = app.shell.currentWidget;
  app.shell.activateById(w.id);
  w.content.deselectAll();
  w.content.activeCellIndex = i;
  await app.commands.execute('notebook:run-cell');
}"""

EXECUTION_COUNT_JS = """(i) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
  return cell.model.executionCount;
}"""


@pytest.fixture
def notebook_cells() -> list[str]:
    return BOARD_CELLS


def _cell(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def _column(board, index: int) -> list[str]:
    """The text of column ``index`` (0 = checkbox) of the body rows, top to bottom."""
    return [
        t.strip() for t in board.locator(f"tbody tr > td:nth-child({index + 1})").all_inner_texts()
    ]


def _selected_in_kernel(page, expected: list[str]) -> list[str]:
    """Run the ``print(board.selected)`` cell again until it prints ``expected`` (the comm
    message of the click and the execute request share the shell channel, so one run should
    do; a few are allowed so that a slow CI machine cannot make this flaky)."""
    output = _cell(page, SELECTED_CELL).locator(".jp-OutputArea-output")
    seen: list[str] = []
    for _ in range(SELECT_ATTEMPTS):
        before = page.evaluate(EXECUTION_COUNT_JS, SELECTED_CELL)
        page.evaluate(RUN_CELL_JS, SELECTED_CELL)
        page.wait_for_function(
            "([i, before]) => { const n = window.jupyterapp.shell.currentWidget.content"
            ".widgets[i].model.executionCount; return n !== null && n !== before; }",
            arg=[SELECTED_CELL, before],
            timeout=RUN_TIMEOUT_MS,
        )
        page.wait_for_function(KERNEL_IDLE_JS, timeout=RUN_TIMEOUT_MS)
        text = " ".join(output.all_inner_texts())
        seen.append(text)
        if "SELECTED=" in text:
            ids = json.loads(text.split("SELECTED=", 1)[1].strip().splitlines()[0])
            if ids == expected:
                return ids
        page.wait_for_timeout(1000)
    raise AssertionError(f"kernel never printed SELECTED={expected}: {seen}")


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_leaderboard_ranks_sorts_and_selects(jupyter_server: JupyterServer, page, artifacts):
    server = jupyter_server
    failed_shot = artifacts / "leaderboard_lab_FAILED.png"
    failed_shot.unlink(missing_ok=True)
    shot = artifacts / "leaderboard_lab.png"
    try:
        page.goto(server.notebook_url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_function(
            KERNEL_READY_JS, arg=len(BOARD_CELLS), timeout=KERNEL_READY_TIMEOUT_MS
        )
        page.evaluate(RUN_ALL_JS)

        # the table shows up under the leaderboard cell, one row per run
        board = _cell(page, BOARD_CELL).locator(".mlm-leaderboard")
        board.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
        rows = board.locator("tbody tr")
        page.wait_for_function(
            "() => document.querySelectorAll('.mlm-leaderboard tbody tr').length === 4",
            timeout=WIDGET_TIMEOUT_MS,
        )
        _cell(page, SELECTED_CELL).locator(".jp-OutputArea-output").filter(
            has_text="SELECTED="
        ).first.wait_for(timeout=RUN_TIMEOUT_MS)
        page.wait_for_function(KERNEL_IDLE_JS, timeout=RUN_TIMEOUT_MS)
        assert len(page.locator(".mlm-leaderboard").all()) == 1

        # ranked by acc, best first ("max"): rank, value, status and the lr column agree
        headers = [t.strip() for t in board.locator("thead th").all_inner_texts()]
        assert headers[1:6] == ["# ▲", "acc", "name", "status", "lr"], headers
        assert _column(board, 1) == ["1", "2", "3", "4"]
        assert _column(board, 2) == ["0.9", "0.8", "0.7", "0.6"]
        assert _column(board, 4) == ["finished"] * 4
        assert _column(board, 5) == ["0.01", "0.001", "0.1", "1.000e-4"]
        run_ids = [rows.nth(i).get_attribute("data-run-ids") for i in range(4)]
        assert all(run_ids) and len(set(run_ids)) == 4, run_ids

        # a click on the acc header sorts by acc ascending: the order flips
        board.locator('thead th[data-column="value"]').click()
        page.wait_for_function(
            "() => document.querySelector('.mlm-leaderboard thead th[data-column=\"value\"]')"
            ".textContent.endsWith('▲')",
            timeout=10_000,
        )
        assert _column(board, 2) == ["0.6", "0.7", "0.8", "0.9"]
        assert _column(board, 1) == ["4", "3", "2", "1"]
        assert [rows.nth(i).get_attribute("data-run-ids") for i in range(4)] == run_ids[::-1]

        # tick the best run (now the last row): the note counts it, the kernel gets its id
        best = run_ids[0]
        board.locator(f'tbody tr[data-run-ids="{best}"] input[type="checkbox"]').click()
        board.locator(".mlm-note").filter(has_text="1 run selected").wait_for(timeout=10_000)
        board.locator(f'tbody tr.mlm-selected[data-run-ids="{best}"]').wait_for(timeout=10_000)
        assert board.locator("tbody tr.mlm-selected").count() == 1
        assert _selected_in_kernel(page, [best]) == [best]

        board.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let the layout settle before the picture
        page.screenshot(path=str(shot))
    except Exception as err:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(failed_shot))
        raise AssertionError(f"lab: {err}{_diagnostics(page, server)}") from err

    if os.environ.get("MLM_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, REPO / "docs" / "leaderboard_in_lab.png")
