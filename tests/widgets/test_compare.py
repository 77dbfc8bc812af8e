"""Compare: bounded curves per run, differing params flagged, self-contained bundles."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.widgets import Compare, compare
from jupyter_mlm.widgets._bundle import STATIC

from .browser import run_chromium, serve
from .widget_page import INKED, write_page


def long_runs(n: int = 5000) -> list[mlm.Run]:
    runs = []
    rng = np.random.default_rng(0)
    for i, lr in enumerate((0.1, 0.01, 0.001)):
        params = {"lr": lr, "batch": 32, "opt": "adam" if i < 2 else "sgd"}
        with mlm.start_run("cmp", name=f"run-{i}", params=params) as run:
            decay = np.exp(-np.arange(n) / (800 * (i + 1)))
            for step, v in enumerate(decay + rng.normal(0, 0.02, n)):
                run.log(loss=float(v), acc=float(1 - v), step=step)
        runs.append(run)
    return runs


@pytest.mark.parametrize("bundle", ["leaderboard.js", "compare.js", "live_chart.js"])
def test_bundles_are_self_contained_esm(bundle: str) -> None:
    path = STATIC / bundle
    assert path.is_file(), "the widget bundles are not built: cd labextension && npm run build:prod"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"export\s*\{[^}]*as default", text)
    assert not re.search(r"""\bimport\s*(\(|[\w{*][^;]*?from\s*)?["']""", text)
    for cdn in ("cdn.jsdelivr", "unpkg.com", "esm.sh", "cdnjs", "skypack"):
        assert cdn not in text


def test_compare_sends_bounded_points_and_flags_differing_params(tracking) -> None:
    runs = long_runs()
    view = compare([runs[0], runs[1].info, runs[2].run_id], metrics=["loss"])
    assert [r["name"] for r in view.runs] == ["run-0", "run-1", "run-2"]
    assert view.metrics == ["loss"] and len(view.series) == 3
    assert view.params == ["batch", "lr", "opt"] and view.differing == ["lr", "opt"]
    assert len(view.data) == 8 * sum(2 * s["n"] for s in view.series)
    for run in runs:
        x, y = view.points(run.run_id, "loss")
        assert 0 < len(x) <= 2 * view.width < 5000
        steps, values, _ = tracking.metrics.history(run.run_id, "loss")
        assert steps[0] <= x[0] < x[-1] <= steps[-1] and np.all(np.diff(x) > 0)
        assert y.min() == values.min() and y.max() == values.max()  # min/max survive
    view.close()


def test_all_metrics_by_default_and_missing_params_differ(tracking) -> None:
    with mlm.start_run("cmp", params={"lr": 0.1}) as a:
        a.log(loss=1.0, acc=0.5)
    with mlm.start_run("cmp", params={"lr": 0.1, "extra": 1}) as b:
        b.log(loss=0.5)
    view = Compare([a.run_id, b.run_id])
    assert view.metrics == ["acc", "loss"] and view.differing == ["extra"]
    assert [(s["metric"], s["n"]) for s in view.series] == [("acc", 1), ("loss", 1), ("loss", 1)]
    view.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_compare_renders_in_chromium(tracking, tmp_path: Path, theme: str) -> None:
    view = compare([r.run_id for r in long_runs(2000)], metrics=["loss", "acc"])
    keys = ["runs", "metrics", "params", "differing", "series", "data", "width", "height"]
    probe = INKED + 'document.body.dataset.done = "1";'
    write_page(tmp_path, STATIC / "compare.js", view, keys, probe, theme)
    with serve(tmp_path) as url:
        dom = run_chromium(url, tmp_path / "profile", "--dump-dom")
        shot = tmp_path / "compare.png"
        run_chromium(url, tmp_path / "profile", "--window-size=1000,560", f"--screenshot={shot}")
    assert 'data-done="1"' in dom and "<canvas" in dom, dom[-3000:]
    inked = re.search(r'data-inked="(\d+)"', dom)
    assert inked and int(inked.group(1)) > 5_000, "the canvas stayed blank"
    assert dom.count('class="mlm-differs"') == 2  # lr and opt
    assert len(re.findall(r'data-param="', dom)) == 3
    assert shot.stat().st_size > 10_000
    view.close()
