"""Render the built widget bundle in headless Chromium with a fake anywidget model fed by
messages a real ``LiveChart`` sent, served from a loopback HTTP server."""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_mlm.widgets import live_chart

# Debian's Chromium, headless, offline-friendly (TOOLCHAIN.md): shared with tests/browser.
BASE_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
CHROMIUM_ARGS = [
    *BASE_CHROMIUM_ARGS,
    "--hide-scrollbars",
    "--virtual-time-budget=15000",
]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
:root { --jp-ui-font-color1: %(fg)s; --jp-ui-font-color2: %(muted)s; --jp-border-color2: %(grid)s;
        --jp-ui-font-family: sans-serif; }
body { background: %(bg)s; margin: 16px; }
</style></head>
<body data-jp-theme-light="%(light)s"><div id="cell"></div>
<script type="module">
import widget from "./live_chart.js";
const { state, messages } = await (await fetch("./data.json")).json();
const handlers = {};
const toView = (b64) => new DataView(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
const model = {
  get: (key) => state[key],
  set: (key, value) => { state[key] = value; },
  save_changes() {},
  on(events, fn) { for (const e of events.split(" ")) (handlers[e] ||= []).push(fn); },
  off() {},
  send(msg) {
    if (msg.type !== "hello") return;
    setTimeout(() => {
      for (const m of messages) for (const fn of handlers["msg:custom"] || []) fn(m.content, m.buffers.map(toView));
    }, 10);
  },
};
widget.initialize?.({ model });
widget.render({ model, el: document.getElementById("cell") });
const started = performance.now();
(function check() {
  const canvas = document.querySelector("#cell canvas");
  if (canvas && performance.now() - started > 1500) {
    const ctx = canvas.getContext("2d");
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
    document.body.dataset.inked = String(inked);
    return;
  }
  setTimeout(check, 100);
})();
</script></body></html>
"""

THEMES = {
    "light": {"light": "true", "bg": "#ffffff", "fg": "rgba(0,0,0,0.87)", "muted": "rgba(0,0,0,0.54)",
              "grid": "#e0e0e0"},
    "dark": {"light": "false", "bg": "#111111", "fg": "rgba(255,255,255,1)", "muted": "rgba(255,255,255,0.7)",
             "grid": "#424242"},
}  # fmt: skip


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise AssertionError(
            "Chromium is needed for the browser tests: apt-get install -y chromium"
        )
    return path


def write_page(folder: Path, chart: Any, messages: list[tuple[dict, list]], theme: str) -> None:
    """The bundle, the page and data.json (the chart's state and the messages it sent)."""
    shutil.copy(live_chart._BUNDLE, folder / "live_chart.js")
    state = {k: getattr(chart, k) for k in ("series", "metrics", "x", "smoothing", "log_y")}
    state |= {k: getattr(chart, k) for k in ("width", "height", "title")}
    data = {
        "state": state,
        "messages": [
            {"content": c, "buffers": [base64.b64encode(b.tobytes()).decode() for b in bufs]}
            for c, bufs in messages
        ],
    }
    (folder / "data.json").write_text(json.dumps(data))
    (folder / "index.html").write_text(PAGE % THEMES[theme])


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """An HTTP server for ``folder`` on a free loopback port (module scripts need http)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


def run_chromium(url: str, profile: Path, *extra: str) -> str:
    """Chromium's stdout for ``url`` (with ``--dump-dom``: the DOM after scripts ran)."""
    cmd = [chromium(), *CHROMIUM_ARGS, f"--user-data-dir={profile}", *extra, url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
