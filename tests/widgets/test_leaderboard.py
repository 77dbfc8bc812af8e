"""Leaderboard: rows in leaderboard order, groups, refresh while runs train, selection."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import jupyter_mlm as mlm
from jupyter_mlm.widgets import Compare, Leaderboard, leaderboard
from jupyter_mlm.widgets._bundle import STATIC

from .browser import run_chromium, serve
from .widget_page import write_page


@pytest.fixture
def boards() -> list[Leaderboard]:
    """Leaderboards made by a test, closed (and their threads joined) after it."""
    made: list[Leaderboard] = []
    yield made
    for board in made:
        board.close()
        if board._thread is not None:
            board._thread.join(timeout=5)


def finished_runs(experiment: str = "lb") -> list[str]:
    ids = []
    for i, (lr, seed) in enumerate([(0.1, 0), (0.1, 1), (0.3, 0), (0.3, 1), (0.5, 0)]):
        with mlm.start_run(experiment, name=f"r{i}", params={"lr": lr, "seed": seed}) as run:
            for step in range(5):
                run.log(acc=lr * (step + 1) / 5 + seed / 100, loss=1 - lr)
        ids.append(run.run_id)
    return ids


def test_rows_are_pushed_in_leaderboard_order(tracking, boards) -> None:
    finished_runs()
    board = leaderboard("lb", "acc")
    boards.append(board)
    expected = mlm.leaderboard_rows("lb", "acc", limit=50)
    assert [r["run_ids"] for r in board.rows] == [list(r.run_ids) for r in expected]
    assert [r["rank"] for r in board.rows] == [1, 2, 3, 4, 5]
    values = [r["value"] for r in board.rows]
    assert values == sorted(values, reverse=True)
    assert board.columns == ["lr", "seed"] and not board.running and board._thread is None
    low = leaderboard("lb", "loss", goal="min", limit=2)
    boards.append(low)
    assert [r["params"]["lr"] for r in low.rows] == [0.5, 0.3]


def test_grouped_rows_hold_count_and_std(tracking, boards) -> None:
    finished_runs()
    board = leaderboard("lb", "acc", group_by="lr")
    boards.append(board)
    assert board.grouped and board.columns == ["lr"]
    assert [(r["params"]["lr"], r["count"]) for r in board.rows] == [(0.5, 1), (0.3, 2), (0.1, 2)]
    assert board.rows[1]["std"] == pytest.approx(0.01 / 2**0.5)
    assert len(board.rows[1]["names"]) == 2 and board.rows[1]["status"] is None


def test_refresh_follows_running_runs_then_stops(tracking, boards) -> None:
    finished_runs()
    run = mlm.start_run("lb", name="live", params={"lr": 0.9, "seed": 0})
    run.log(acc=0.0)
    run.flush()
    board = leaderboard("lb", "acc", refresh=0.1)
    boards.append(board)
    assert board.running and board._thread is not None and board._thread.is_alive()
    assert board.rows[-1]["names"] == ["live"] and board.rows[-1]["status"] == "running"
    run.log(acc=0.99)
    run.flush()
    deadline = time.monotonic() + 5
    while board.rows[0]["names"] != ["live"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert board.rows[0]["names"] == ["live"]  # re-queried while it runs
    run.finish()
    board._thread.join(timeout=5)
    assert not board._thread.is_alive() and not board.running
    assert board.rows[0]["status"] == "finished"


def test_close_stops_the_refresh_thread(tracking, boards) -> None:
    run = mlm.start_run("lb", name="live")
    run.log(acc=0.5)
    run.flush()
    board = leaderboard("lb", "acc", group_by=[], refresh=0.05)
    assert board.running and board._thread is not None
    board.close()
    board._thread.join(timeout=5)
    assert not board._thread.is_alive()
    run.finish()


def test_selection_calls_back_and_compares(tracking, boards) -> None:
    ids = finished_runs()
    board = leaderboard("lb", "acc", group_by="lr")
    boards.append(board)
    with pytest.raises(ValueError, match="select"):
        board.compare()
    seen: list[list[str]] = []
    board.on_select(seen.append)
    board.selected = board.rows[1]["run_ids"]  # what the browser sets for a grouped row
    assert seen == [[ids[2], ids[3]]] or seen == [[ids[3], ids[2]]]
    view = board.compare()
    assert isinstance(view, Compare)
    assert {r["id"] for r in view.runs} == {ids[2], ids[3]} and view.metrics == ["acc"]
    assert view.differing == ["seed"]
    view.close()


def test_table_renders_sorts_and_selects_in_chromium(tracking, boards, tmp_path: Path) -> None:
    finished_runs()
    board = leaderboard("lb", "acc")
    boards.append(board)
    probe = """
await sleep(50);
document.body.dataset.initial = [...document.querySelectorAll("tbody tr")].map((r) => r.dataset.rank).join(",");
document.querySelector('th[data-column="param:lr"]').click();
document.querySelector('th[data-column="param:lr"]').click();  // descending
document.body.dataset.sorted = [...document.querySelectorAll("tbody tr")].map((r) => r.dataset.rank).join(",");
document.querySelector("tbody tr input[type=checkbox]").click();
const filter = document.querySelector("input[type=search]");
filter.value = "r4";
filter.dispatchEvent(new Event("input"));
document.body.dataset.filtered = String(document.querySelectorAll("tbody tr").length);
document.body.dataset.done = "1";
"""
    keys = ["rows", "columns", "metric", "goal", "grouped", "selected", "running"]
    write_page(tmp_path, STATIC / "leaderboard.js", board, keys, probe)
    with serve(tmp_path) as url:
        dom = run_chromium(url, tmp_path / "profile", "--dump-dom")
        run_chromium(url, tmp_path / "profile", "--window-size=700,300",
                     f"--screenshot={tmp_path / 'leaderboard.png'}")  # fmt: skip
    assert 'data-done="1"' in dom, dom[-3000:]
    assert re.search(r'data-initial="1,2,3,4,5"', dom)
    lr = {r["rank"]: r["params"]["lr"] for r in board.rows}
    sorted_ranks = re.search(r'data-sorted="([\d,]+)"', dom).group(1).split(",")  # type: ignore[union-attr]
    assert [lr[int(r)] for r in sorted_ranks] == sorted(lr.values(), reverse=True)
    top = next(r for r in board.rows if r["rank"] == int(sorted_ranks[0]))
    assert f'data-saved="[&quot;{top["run_ids"][0]}&quot;]"' in dom
    assert 'data-filtered="1"' in dom and dom.count("<tr") == 2  # header + the r4 row
    assert (tmp_path / "leaderboard.png").stat().st_size > 3_000


def test_selecting_rows_opens_their_comparison_under_the_table(monkeypatch, tmp_path):
    import IPython.display
    import ipywidgets

    import jupyter_mlm as mlm
    from jupyter_mlm.widgets import Compare, Leaderboard

    monkeypatch.setenv("MLM_CAPTURE", "0")
    mlm.set_store(tmp_path / "store")
    try:
        ids = []
        for lr, acc in [(0.1, 0.7), (0.01, 0.9)]:
            with mlm.start_run("pick", params={"lr": lr}) as run:
                run.log(acc=acc)
            ids.append(run.run_id)
        shown: list = []
        monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
        board = Leaderboard("pick", "acc", "max")
        board._ipython_display_()
        (box,) = shown
        assert isinstance(box, ipywidgets.VBox) and box.children[0] is board
        board.selected = [ids[1], ids[0]]  # ticked in the browser
        assert isinstance(shown[-1], Compare) and len(shown) == 2
        board.selected = []
        assert len(shown) == 2  # cleared, nothing new shown
        board.close()
    finally:
        mlm.set_store(None)
