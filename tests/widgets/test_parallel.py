"""ParallelCoordinates: varying params as axes (strings categorical), the metric last, runs
bounded by the limit, a self-contained bundle that draws in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.widgets import ParallelCoordinates, parallel_coordinates
from jupyter_mlm.widgets._bundle import STATIC

from .browser import run_chromium, serve
from .widget_page import INKED, write_page


def sweep(n: int = 24) -> None:
    """``n`` runs of a sweep: lr, layers and opt vary; seed does not; tags is a list."""
    rng = np.random.default_rng(0)
    for i in range(n):
        lr = float(10 ** rng.uniform(-4, -1))
        params = {
            "lr": lr,
            "layers": int(rng.integers(2, 9)),
            "opt": ["adam", "sgd", "rmsprop"][i % 3],
            "seed": 0,
            "tags": ["a", "b"],
        }
        with mlm.start_run("sweep", name=f"trial-{i}", params=params) as run:
            for step in range(3):
                run.log(acc=0.5 + 0.1 * step + 0.1 * np.log10(lr) / -4 + (i % 3) * 0.01, step=step)


def test_axes_are_the_varying_params_then_the_metric(tracking) -> None:
    sweep(12)
    view = parallel_coordinates("sweep", "acc")
    assert [a["key"] for a in view.axes] == ["layers", "lr", "opt", "acc"]
    assert [a["kind"] for a in view.axes] == ["numeric", "numeric", "categorical", "metric"]
    assert [a["log"] for a in view.axes] == [False, True, False, False]  # lr spans decades
    opt = view.axes[2]
    assert opt["categories"] == ["adam", "rmsprop", "sgd"]
    assert [t["pos"] for t in opt["ticks"]] == [0.0, 0.5, 1.0]
    assert len(view.rows) == view.total == 12
    infos = {r.run_id: r for r in mlm.runs("sweep")}
    for row in view.rows:
        info = infos[row["id"]]
        layers, lr, opt_index, acc = row["values"]
        assert layers == info.params["layers"] and lr == info.params["lr"]
        assert opt["categories"][opt_index] == info.params["opt"]
        assert acc == info.metrics["acc"].last  # the last value, not the first logged
    accs = [r["values"][-1] for r in view.rows]
    assert accs == sorted(accs, reverse=True)  # best first
    assert view.axes[-1]["min"] == min(accs) and view.axes[-1]["max"] == max(accs)
    view.close()


def test_limit_keeps_the_best_runs_and_explicit_params(tracking) -> None:
    sweep(30)
    view = ParallelCoordinates("sweep", "acc", "min", params=["opt", "seed", "tags"], limit=7)
    assert view.total == 30 and len(view.rows) == 7
    assert [a["key"] for a in view.axes] == ["opt", "seed", "acc"]  # the list param skipped
    seed = view.axes[1]
    assert seed["kind"] == "numeric" and seed["ticks"] == [{"pos": 0.5, "label": "0"}]
    accs = [r["values"][-1] for r in view.rows]
    every = sorted(r.metrics["acc"].last for r in mlm.runs("sweep"))
    assert accs == every[:7]
    view.close()


def test_where_filters_and_runs_without_the_metric_are_left_out(tracking) -> None:
    sweep(6)
    with mlm.start_run("sweep", params={"lr": 1.0, "opt": "adam"}) as run:
        run.log(loss=1.0)
    view = parallel_coordinates("sweep", "acc", where={"params.opt": "adam"})
    assert view.total == 2 and {a["key"] for a in view.axes} >= {"lr", "acc"}
    assert "opt" not in [a["key"] for a in view.axes]  # does not vary among the kept runs
    with pytest.raises(ValueError, match="limit"):
        parallel_coordinates("sweep", "acc", limit=0)


def test_bundle_is_self_contained_esm() -> None:
    path = STATIC / "parallel.js"
    assert path.is_file(), "the widget bundles are not built: cd labextension && npm run build:prod"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"export\s*\{[^}]*as default", text)
    assert not re.search(r"""\bimport\s*(\(|[\w{*][^;]*?from\s*)?["']""", text)
    for cdn in ("cdn.jsdelivr", "unpkg.com", "esm.sh", "cdnjs", "skypack"):
        assert cdn not in text


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_parallel_renders_in_chromium(tracking, tmp_path: Path, theme: str) -> None:
    sweep(40)
    view = parallel_coordinates("sweep", "acc", limit=30)
    keys = ["axes", "rows", "metric", "goal", "total", "width", "height"]
    probe = INKED + 'document.body.dataset.done = "1";'
    write_page(tmp_path, STATIC / "parallel.js", view, keys, probe, theme)
    with serve(tmp_path) as url:
        dom = run_chromium(url, tmp_path / "profile", "--dump-dom")
        shot = tmp_path / "parallel.png"
        run_chromium(url, tmp_path / "profile", "--window-size=960,440", f"--screenshot={shot}")
    assert 'data-done="1"' in dom and "<canvas" in dom, dom[-3000:]
    inked = re.search(r'data-inked="(\d+)"', dom)
    assert inked and int(inked.group(1)) > 10_000, "the canvas stayed blank"
    assert "best 30 of 40 runs by max acc" in dom
    assert shot.stat().st_size > 10_000
    view.close()
