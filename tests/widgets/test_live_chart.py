"""LiveChart sends new points only, throttled, as float64 buffers, and a snapshot on request;
in the browser, every view of one model draws from the points the page already has."""

from __future__ import annotations

import base64
import json
import re
import shutil
import time

import numpy as np
import pytest

from jupyter_mlm.widgets import LiveChart, live_chart

from .browser import run_chromium, serve


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


# anywidget (0.10 and later) hands initialize and every view its own proxy of the model; the
# kernel is busy (a training loop runs in the cell), so it answers no "hello" here
PROXY_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"></head><body data-jp-theme-light="true">
<div id="first"></div><div id="second"></div>
<script type="module">
import widget from "./live_chart.js";
const { state, before, after } = await (await fetch("./data.json")).json();
const toView = (b64) => new DataView(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let listeners = [];
const hellos = [];
const model = {
  widget_manager: {},
  get: (key) => state[key],
  on(names, fn, ctx) { for (const n of names.split(" ")) listeners.push([n, fn, ctx]); },
  off(names, fn, ctx) {
    listeners = listeners.filter(([n, f, c]) => !((!names || names.split(" ").includes(n))
      && (!fn || f === fn) && (!ctx || c === ctx)));
  },
  trigger(name, ...args) { for (const [n, fn] of [...listeners]) if (n === name) fn(...args); },
  send(msg) { if (msg.type === "hello") hellos.push(msg); },
};
const proxy = (ctx) => ({
  widget_manager: model.widget_manager, get: model.get, set() {}, save_changes() {},
  send: (msg) => model.send(msg),
  on: (name, fn) => model.on(name, fn, ctx), off: (name, fn) => model.off(name, fn, ctx),
});
const stream = (messages) => {
  for (const m of messages) model.trigger("msg:custom", m.content, m.buffers.map(toView));
};
async function drawn(el, n) {
  for (let i = 0; i < 200 && el.dataset.points !== String(n); i++) await sleep(50);
  return el.dataset.points;
}
const first = document.getElementById("first");
const second = document.getElementById("second");
const total = (messages) => messages.reduce((n, m) => n + m.points, 0);
widget.initialize({ model: proxy("initialize") });
widget.render({ model: proxy(first), el: first });
stream(before);  // points sent while the loop runs
document.body.dataset.first = await drawn(first, total(before));
widget.render({ model: proxy(second), el: second });  // a second view, opened mid-run
document.body.dataset.second = await drawn(second, total(before));
stream(after);  // ...then live updates reach both
document.body.dataset.firstAfter = await drawn(first, total(before) + total(after));
document.body.dataset.secondAfter = await drawn(second, total(before) + total(after));
document.body.dataset.hellos = String(hellos.length);
</script></body></html>
"""


def test_a_view_opened_mid_run_draws_every_point_without_the_kernel(sent, tmp_path) -> None:
    chart = LiveChart(width=100)
    for metric in ("loss", "acc"):
        chart.add_series(f"r:{metric}", metric=metric, run="r")
    for start in (0, 30, 60, 90):
        for metric in ("loss", "acc"):
            chart.add_points(f"r:{metric}", np.arange(start, start + 30), np.ones(30), send=False)
        chart.flush(force=True)
    assert [c["type"] for c, _ in sent] == ["append"] * 4

    def encode(messages: list) -> list[dict]:
        return [
            {
                "content": content,
                "buffers": [base64.b64encode(b.tobytes()).decode() for b in buffers],
                "points": sum(len(b) for b in buffers[::2]),
            }
            for content, buffers in messages
        ]

    state = {k: getattr(chart, k) for k in ("series", "metrics", "x", "smoothing", "log_y")}
    state |= {k: getattr(chart, k) for k in ("width", "height", "title", "_chart_id")}
    data = {"state": state, "before": encode(sent[:3]), "after": encode(sent[3:])}
    shutil.copy(live_chart._BUNDLE, tmp_path / "live_chart.js")
    (tmp_path / "data.json").write_text(json.dumps(data))
    (tmp_path / "index.html").write_text(PROXY_PAGE)
    with serve(tmp_path) as url:
        dom = run_chromium(url, tmp_path / "profile", "--dump-dom")
    found = dict(re.findall(r'data-([a-z-]+)="(\d+)"', dom.split("<body", 1)[1].split(">", 1)[0]))
    assert found == {
        "first": "180",
        "second": "180",  # at once, from the points the page already had
        "first-after": "240",
        "second-after": "240",
        "hellos": "1",  # one per model, not per view
    }
