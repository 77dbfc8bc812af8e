"""LiveChart sends new points only, throttled, as float64 buffers, and a snapshot on request."""

from __future__ import annotations

import time

import numpy as np
import pytest

from jupyter_mlm.widgets import LiveChart, live_chart


def test_only_new_points_are_sent(sent) -> None:
    chart = LiveChart(width=100)
    chart.add_series("r:loss", metric="loss", run="r")
    chart.add_points("r:loss", [0, 1, 2], [3.0, 2.0, 1.0])
    time.sleep(chart.min_interval)
    chart.add_points("r:loss", [3, 4], [0.5, 0.25])
    assert [c["type"] for c, _ in sent] == ["append", "append"]
    assert sent[0][1][0].tolist() == [0, 1, 2] and sent[1][1][1].tolist() == [0.5, 0.25]
    assert chart.series == [{"id": "r:loss", "metric": "loss", "run": "r", "baseline": False}]


def test_sends_are_throttled_to_ten_a_second(sent) -> None:
    chart = LiveChart(width=100)
    chart.add_series("s", metric="m", run="r")
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < 1.0:
        chart.add_points("s", [i], [float(i)])
        i += 1
    chart.flush(force=True)
    elapsed = time.monotonic() - start
    assert len(sent) - 1 <= elapsed / chart.min_interval + 1  # ≤ 10/s, plus the forced last
    ys = np.concatenate([buffers[1] for _, buffers in sent])
    assert ys.min() == 0 and ys.max() == i - 1  # queued while throttled, downsampled, sent


def test_a_huge_chunk_is_downsampled_before_sending(sent) -> None:
    chart = LiveChart(width=200)
    chart.add_series("s", metric="m", run="r")
    chart.add_points("s", np.arange(1_000_000), np.random.default_rng(0).normal(size=1_000_000))
    assert sent.points("s") <= 400
    assert len(chart.points("s")[0]) <= 400


def test_hello_gets_the_whole_bounded_snapshot(sent) -> None:
    chart = LiveChart(width=50)
    chart.add_series("s", metric="m", run="r")
    for i in range(100):
        chart.add_points("s", np.arange(i * 100, (i + 1) * 100), np.ones(100))
    chart._on_msg(chart, {"type": "hello"}, [])
    content, buffers = sent[-1]
    assert content["type"] == "reset" and content["ids"] == ["s"]
    assert 0 < len(buffers[0]) <= 200 and buffers[0][0] == 0 and buffers[0][-1] == 9999


def test_non_finite_values_are_dropped(sent) -> None:
    chart = LiveChart()
    chart.add_series("s", metric="m", run="r")
    chart.add_points("s", [0, 1, 2], [1.0, float("nan"), float("inf")])
    assert sent[0][1][1].tolist() == [1.0]


def test_missing_bundle_says_how_to_build_it(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(live_chart, "_BUNDLE", tmp_path / "live_chart.js")
    with pytest.raises(FileNotFoundError, match=r"pip install -e \. with Node installed"):
        LiveChart()
