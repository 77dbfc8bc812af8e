"""The built bundle is a self-contained ES module that renders a chart in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from jupyter_mlm.widgets import LiveChart, live_chart

from .browser import run_chromium, serve, write_page


@pytest.fixture(scope="module")
def bundle() -> str:
    path = live_chart._BUNDLE
    assert path.is_file(), "the widget bundle is not built: pip install -e . with Node installed"
    return path.read_text(encoding="utf-8")


def test_bundle_is_a_self_contained_esm(bundle: str) -> None:
    assert re.search(r"export\s*\{[^}]*as default", bundle)
    assert not re.search(r"""\bimport\s*(\(|[\w{*][^;]*?from\s*)?["']""", bundle)
    for cdn in ("cdn.jsdelivr", "unpkg.com", "esm.sh", "cdnjs", "skypack"):
        assert cdn not in bundle


def demo_chart(sent: list) -> LiveChart:
    """A chart holding 200k points of two metrics and two grey baselines (downsampled)."""
    rng = np.random.default_rng(0)
    chart = LiveChart(smoothing=0.6, title="demo run vs baselines")
    steps = np.arange(200_000)
    for run, scale, baseline in (("demo", 1.0, False), ("old-1", 1.3, True), ("old-2", 1.6, True)):
        for metric in ("loss", "accuracy"):
            sid = f"{run}:{metric}"
            chart.add_series(sid, metric=metric, run=run, baseline=baseline)
            decay = np.exp(-steps / (40_000 * scale))
            curve = decay if metric == "loss" else 1 - 0.9 * decay
            chart.add_points(sid, steps, curve + rng.normal(0, 0.04, len(steps)), send=False)
    sent.clear()
    chart._on_msg(chart, {"type": "hello"}, [])
    return chart


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_chart_renders_in_headless_chromium(sent, tmp_path: Path, theme: str) -> None:
    chart = demo_chart(sent)
    assert sent[0][0]["type"] == "reset" and sum(len(b) for b in sent[0][1]) <= 12 * 2 * 420
    write_page(tmp_path, chart, list(sent), theme)
    with serve(tmp_path) as url:
        dom = run_chromium(url, tmp_path / "profile", "--dump-dom")
        run_chromium(
            url,
            tmp_path / "profile",
            "--window-size=1000,620",
            f"--screenshot={tmp_path / 'chart.png'}",
        )
    assert 'class="vega-embed' in dom and "<canvas" in dom, dom[-3000:]
    inked = re.search(r'data-inked="(\d+)"', dom)
    assert inked and int(inked.group(1)) > 10_000, "the canvas stayed blank"
    assert (tmp_path / "chart.png").stat().st_size > 10_000
