"""Live chart in Chromium: a 1 M-point run renders in <= 1 s; an incremental update <= 50 ms.

Fixture: a real ``LiveChart`` (width 420) gets a run of 1,000,000 steps of two series
(``loss`` and ``acc``, two panels); the kernel side downsamples to its bounded view. What it
would send is captured (its ``send`` is overridden): the ``reset`` snapshot a newly opened
view asks for, then 50 ``append`` messages of 1,000 new steps per series each (one forced
flush per chunk, as the <= 10/s sender would). The built bundle ``jupyter_mlm/static/
live_chart.js`` runs in headless ``/usr/bin/chromium`` (Python Playwright, the args of
``tests/widgets/browser.py`` minus ``--virtual-time-budget``, which would fake the clock)
from a loopback http.server, with a fake anywidget model; all times are ``performance.now()``
in the page.

* first render: fresh page, bundle imported; from ``initialize`` + ``render`` until the
  ``data-points`` attribute (set by live_chart.js after each finished redraw) shows the
  snapshot's points. The model answers the chart's ``hello`` with the snapshot on the next
  task. Baseline: the same for an empty chart (no answer), until ``data-points="0"``.
  Interleaved, a fresh page each, median.
* update: in a page showing the 1 M-point chart, each ``append`` message is handed to the
  chart's ``msg:custom`` handler 250 ms after the previous redraw; timed until the next
  ``data-points`` write. live_chart.js coalesces redraws with a 100 ms timer (<= 10 redraws
  a second), so that latency includes the timer; ``_work`` is the part after the timer fired
  (the redraw itself; the page wraps ``setTimeout`` to see when). Baseline: setting a text
  node's data and reading ``offsetHeight`` (a trivial DOM update with layout), median.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from _common import figure, median, note, parse_args, pct  # puts the repo root on sys.path

from jupyter_mlm.widgets import LiveChart
from jupyter_mlm.widgets import live_chart as live_chart_mod
from tests.widgets.browser import CHROMIUM_ARGS, serve

N_POINTS = 1_000_000
CHUNK = 1_000
WIDTH = 420

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><style>
:root { --jp-ui-font-color1: rgba(0,0,0,0.87); --jp-ui-font-color2: rgba(0,0,0,0.54);
        --jp-border-color2: #e0e0e0; --jp-ui-font-family: sans-serif; }
body { background: #fff; margin: 16px; }
</style></head>
<body data-jp-theme-light="true"><span id="txt">0</span>
<script>
// note when live_chart.js's 100 ms redraw timer fires (the start of the redraw work)
window.__timerFired = 0;
const origSetTimeout = window.setTimeout;
window.setTimeout = function (fn, ms, ...rest) {
  if (ms === 100 && typeof fn === "function") {
    const wrapped = function (...a) { window.__timerFired = performance.now(); return fn.apply(this, a); };
    return origSetTimeout.call(window, wrapped, ms, ...rest);
  }
  return origSetTimeout.call(window, fn, ms, ...rest);
};
</script>
<script type="module">
import widget from "./live_chart.js";
window.__widget = widget;
window.__ready = true;
</script></body></html>
"""

# Shared page-side helpers, prepended to every evaluated function body.
JS_LIB = """
const toView = (a) => new DataView(Float64Array.from(a).buffer);
const prep = (m) => ({ content: m.content, buffers: m.buffers.map(toView) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function fakeModel(state, onHello) {
  const handlers = {};
  const model = {
    get: (key) => state[key],
    set: (key, value) => { state[key] = value; },
    save_changes() {},
    on(events, fn) { for (const e of events.split(" ")) (handlers[e] ||= []).push(fn); },
    off() {},
    send(msg) { if (msg.type === "hello" && onHello) onHello(); },
    feed(m) { for (const fn of handlers["msg:custom"] || []) fn(m.content, m.buffers); },
  };
  return model;
}
function nextDraw(el, pred) {
  return new Promise((resolve) => {
    const mo = new MutationObserver(() => {
      if (pred(el.dataset.points)) { mo.disconnect(); resolve(performance.now()); }
    });
    mo.observe(el, { attributes: true, attributeFilter: ["data-points"] });
  });
}
async function mount(state, snapshot, expected) {
  const el = document.createElement("div");
  document.body.appendChild(el);
  let model;
  model = fakeModel(state, snapshot ? () => setTimeout(() => model.feed(snapshot), 0) : null);
  const done = nextDraw(el, (p) => p === String(expected));
  const t0 = performance.now();
  window.__widget.initialize?.({ model });
  window.__widget.render({ model, el });
  const t1 = await done;
  return { el, model, ms: t1 - t0 };
}
"""

FIRST_RENDER = JS_LIB + """
async ({ state, snapshot, expected }) => {
  const snap = snapshot ? prep(snapshot) : null;
  const r = await mount(state, snap, expected);
  return r.ms;
}
"""

UPDATES = JS_LIB + """
async ({ state, snapshot, expected, updates, dom }) => {
  const snap = prep(snapshot);
  const ups = updates.map(prep);
  const { el, model } = await mount(state, snap, expected);
  await sleep(300);
  const latency = [], work = [], points = [];
  for (const m of ups) {
    await sleep(250);
    const done = nextDraw(el, () => true);
    const t0 = performance.now();
    model.feed(m);
    const t1 = await done;
    const fired = window.__timerFired;
    latency.push(t1 - t0);
    work.push(fired >= t0 ? t1 - fired : NaN);
    points.push(Number(el.dataset.points));
  }
  const txt = document.getElementById("txt").firstChild;
  const domMs = [];
  for (let i = 0; i < dom; i++) {
    const t0 = performance.now();
    txt.data = String(i);
    void document.body.offsetHeight;
    domMs.push(performance.now() - t0);
  }
  return { latency, work, points, domMs };
}
"""


class _Captured(LiveChart):
    """A LiveChart whose messages are kept instead of sent to a frontend."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.captured: list[dict[str, Any]] = []

    def send(self, content: dict[str, Any], buffers: list[Any] | None = None) -> None:
        self.captured.append({
            "content": content,
            "buffers": [np.frombuffer(b, dtype="<f8").tolist() for b in buffers or []],
        })


def build_messages(n_updates: int) -> tuple[dict, dict, list[dict]]:
    """The chart's synced state, its snapshot after N_POINTS steps, and n_updates appends."""
    rng = np.random.default_rng(0)
    chart = _Captured(width=WIDTH)
    chart.add_series("r:loss", metric="loss", run="r")
    chart.add_series("r:acc", metric="acc", run="r")

    def curves(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        steps = np.arange(lo, hi, dtype=np.float64)
        loss = 2.0 * np.exp(-steps / 2e5) + 0.05 * rng.standard_normal(hi - lo)
        acc = 1.0 - 0.9 * np.exp(-steps / 3e5) + 0.02 * rng.standard_normal(hi - lo)
        return steps, loss, acc

    for lo in range(0, N_POINTS, 100_000):  # a long run logged in chunks
        steps, loss, acc = curves(lo, lo + 100_000)
        chart.add_points("r:loss", steps, loss, send=False)
        chart.add_points("r:acc", steps, acc, send=False)
    chart.send_snapshot()  # what a view opened now gets for its hello
    snapshot = chart.captured[-1]
    updates = []
    for k in range(n_updates):
        lo = N_POINTS + k * CHUNK
        steps, loss, acc = curves(lo, lo + CHUNK)
        chart.add_points("r:loss", steps, loss, send=False)
        chart.add_points("r:acc", steps, acc, send=False)
        chart.captured.clear()
        assert chart.flush(force=True)
        updates.append(chart.captured[-1])
    state = {k: getattr(chart, k) for k in ("series", "metrics", "x", "smoothing", "log_y",
                                            "width", "height", "title")}
    chart.close()
    return state, snapshot, updates


def main() -> None:
    args = parse_args(__doc__)
    reps = 2 if args.quick else 5
    n_updates = 15 if args.quick else 50
    from playwright.sync_api import sync_playwright

    state, snapshot, updates = build_messages(n_updates)
    expected = sum(len(b) for b in snapshot["buffers"][0::2])
    per_update = [sum(len(b) for b in u["buffers"][0::2]) for u in updates]
    note(f"{N_POINTS:,} steps x 2 series -> snapshot of {expected} points "
         f"({snapshot['content']['type']}); {n_updates} updates of {CHUNK} steps x 2 series -> "
         f"{min(per_update)}-{max(per_update)} points each; width {WIDTH}")
    args_ = [a for a in CHROMIUM_ARGS
             if a != "--headless" and not a.startswith("--virtual-time-budget")]
    with tempfile.TemporaryDirectory(prefix="mlm-bench-chart-") as tmp:
        folder = Path(tmp)
        (folder / "live_chart.js").write_bytes(live_chart_mod._BUNDLE.read_bytes())
        (folder / "index.html").write_text(PAGE)
        with serve(folder) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                         args=args_)
            note(f"chromium {browser.version}, playwright")
            context = browser.new_context(viewport={"width": 1000, "height": 800})

            def fresh_page() -> Any:
                page = context.new_page()
                page.on("console", lambda m: m.type == "error" and print(
                    f"# console error: {m.text}", file=sys.stderr))
                page.goto(url)
                page.wait_for_function("window.__ready === true")
                return page

            empty_ms: list[float] = []
            full_ms: list[float] = []
            for i in range(reps):
                order = (False, True) if i % 2 == 0 else (True, False)
                for full in order:
                    page = fresh_page()
                    ms = page.evaluate(FIRST_RENDER, {
                        "state": state if full else {**state, "series": []},
                        "snapshot": snapshot if full else None,
                        "expected": expected if full else 0,
                    })
                    page.close()
                    (full_ms if full else empty_ms).append(ms)
            note("first render ms, 1 M points: " + ", ".join(f"{v:.0f}" for v in full_ms))
            note("first render ms, empty: " + ", ".join(f"{v:.0f}" for v in empty_ms))

            page = fresh_page()
            res = page.evaluate(UPDATES, {"state": state, "snapshot": snapshot,
                                          "expected": expected, "updates": updates,
                                          "dom": n_updates})
            page.close()
            browser.close()

    latency, work, dom = res["latency"], res["work"], res["domMs"]
    work_ok = [w for w in work if w == w]
    note(f"points drawn after the updates: {res['points'][0]}..{res['points'][-1]}; "
         f"update latency ms: " + ", ".join(f"{v:.0f}" for v in latency))
    if len(work_ok) < len(work):
        note(f"{len(work) - len(work_ok)} updates without a timer fire seen (skipped in _work)")

    dom_med = max(median(dom), 0.1)  # performance.now() is coarsened to 0.1 ms
    figure("chart_first_render_1M_ms", median(full_ms), "ms", median(empty_ms), None,
           "<= 1000 ms", median(full_ms) <= 1000)
    figure("chart_update_median_ms", median(latency), "ms", dom_med, None,
           "<= 50 ms each", median(latency) <= 50)
    figure("chart_update_p95_ms", pct(latency, 95), "ms", pct(dom, 95) or 0.1, None,
           "<= 50 ms each", pct(latency, 95) <= 50)
    if not work_ok:  # leading-edge throttle: an update after a quiet spell draws at once
        note("no throttle timer fired before the redraws: the update figures are the redraw work")
        return
    figure("chart_update_work_median_ms", median(work_ok), "ms", dom_med, None,
           "<= 50 ms each", median(work_ok) <= 50)
    figure("chart_update_work_p95_ms", pct(work_ok, 95), "ms", pct(dom, 95) or 0.1, None,
           "<= 50 ms each", pct(work_ok, 95) <= 50)


if __name__ == "__main__":
    main()
