"""A page rendering one built widget bundle in Chromium with a fake anywidget model holding
a real widget's synced state; ``probe`` (JS run after render) writes results to the DOM."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

from .browser import THEMES

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
:root { --jp-ui-font-color1: %(fg)s; --jp-ui-font-color2: %(muted)s; --jp-border-color2: %(grid)s;
        --jp-ui-font-family: sans-serif; --jp-layout-color1: %(bg)s; }
body { background: %(bg)s; color: %(fg)s; margin: 16px; }
</style></head>
<body data-jp-theme-light="%(light)s"><div id="cell"></div>
<script type="module">
import widget from "./%(bundle)s";
const { state, binary } = await (await fetch("./data.json")).json();
for (const key of binary) state[key] = new DataView(Uint8Array.from(atob(state[key]), (c) => c.charCodeAt(0)).buffer);
const handlers = {};
const model = {
  get: (key) => state[key],
  set(key, value) { state[key] = value; for (const fn of handlers["change:" + key] || []) fn(); },
  save_changes() { document.body.dataset.saved = JSON.stringify(state.selected ?? null); },
  on(events, fn) { for (const e of events.split(" ")) (handlers[e] ||= []).push(fn); },
  off() {},
  send() {},
};
const el = document.getElementById("cell");
widget.initialize?.({ model });
widget.render({ model, el });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
%(probe)s
</script></body></html>
"""

INKED = """
const started = performance.now();
while (true) {
  const canvas = document.querySelector("#cell canvas");
  if (canvas && performance.now() - started > 1500) {
    const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
    document.body.dataset.inked = String(inked);
    break;
  }
  await sleep(100);
}
"""


def write_page(
    folder: Path, bundle: Path, widget: Any, keys: list[str], probe: str, theme: str = "light"
) -> None:
    """Copy ``bundle``, write data.json (``keys`` of ``widget``; bytes as base64) and the page."""
    shutil.copy(bundle, folder / bundle.name)
    state: dict[str, Any] = {}
    binary = []
    for key in keys:
        value = getattr(widget, key)
        if isinstance(value, bytes):
            binary.append(key)
            value = base64.b64encode(value).decode()
        state[key] = value
    (folder / "data.json").write_text(json.dumps({"state": state, "binary": binary}))
    page = PAGE % {**THEMES[theme], "bundle": bundle.name, "probe": probe}
    (folder / "index.html").write_text(page)
