// anywidget entry of the live metric chart: the kernel streams new points as float64 buffers,
// every view of the model draws them from one bounded store with vega-embed.
import embed from "vega-embed";
import { buildSpec, themeColors } from "./chart.js";
import { ema, SeriesStore } from "./store.js";

// widget manager -> chart id -> store. anywidget hands each view (and initialize) its own
// proxy of the model, so the proxy cannot be the key: the model's `_chart_id` is. Per
// manager, because two managers on one kernel (a notebook and a console) each get every
// message of the chart.
const STORES = new WeakMap();
const NO_MANAGER = {};
const REDRAW_ON = "change:series change:metrics change:x change:smoothing change:log_y change:width change:height change:title";

/** The model's store, shared by all its views in this page; created once. */
function storeFor(model) {
  const owner = model.widget_manager ?? NO_MANAGER;
  let stores = STORES.get(owner);
  if (!stores) {
    stores = new Map();
    STORES.set(owner, stores);
  }
  const id = model.get("_chart_id");
  let store = stores.get(id);
  if (!store) {
    store = new SeriesStore(model.get("width") || 640);
    store.feeds = 0;
    stores.set(id, store);
  }
  return store;
}

/** Feed the store from the kernel: every message from now on, and a "hello" that asks for
 * the whole series so far (a "reset"). Returns the function that stops it. */
function connect(model, store) {
  const receive = (msg, buffers) => store.receive(msg, buffers);
  const forget = () => STORES.get(model.widget_manager ?? NO_MANAGER)?.delete(model.get("_chart_id"));
  model.on("msg:custom", receive);
  model.on("destroy", forget);
  store.feeds += 1;
  model.send({ type: "hello" });
  return () => {
    model.off("msg:custom", receive);
    model.off("destroy", forget);
    store.feeds -= 1;
  };
}

function shownMetrics(model) {
  const wanted = model.get("metrics");
  const all = [];
  for (const s of model.get("series")) if (!all.includes(s.metric)) all.push(s.metric);
  return wanted ? all.filter((m) => wanted.includes(m)) : all;
}

/** Rows for the "points" dataset: {s, m, r, x, y, ys}. */
function rows(model, store, metrics) {
  const logY = model.get("log_y");
  const out = [];
  for (const s of model.get("series")) {
    const data = store.series.get(s.id);
    if (!data || !metrics.includes(s.metric)) continue;
    const smooth = ema(data.y, model.get("smoothing"));
    for (let i = 0; i < data.x.length; i++) {
      const y = data.y[i];
      if (!Number.isFinite(y) || (logY && y <= 0)) continue;
      out.push({ s: s.id, m: s.metric, r: s.run, x: data.x[i], y, ys: smooth[i] });
    }
  }
  return out;
}

// Fed from the model's creation on (not from a view's), so a view opened later has it all.
function initialize({ model }) {
  return connect(model, storeFor(model));
}

function render({ model, el }) {
  const store = storeFor(model);
  const disconnect = store.feeds > 0 ? null : connect(model, store); // a host without initialize
  el.classList.add("mlm-live-chart");
  el.dataset.mlmChart = "live";
  const box = document.createElement("div");
  el.appendChild(box);
  let view = null;
  let timer = null;
  let specDirty = true;
  let drawing = false;
  let lastDraw = -Infinity;

  async function draw() {
    timer = null;
    if (drawing) return schedule();
    drawing = true;
    lastDraw = performance.now();
    try {
      const metrics = shownMetrics(model);
      if (specDirty) {
        specDirty = false;
        view?.finalize();
        const opts = {
          x: model.get("x"),
          smoothing: model.get("smoothing"),
          logY: model.get("log_y"),
          width: model.get("width"),
          height: model.get("height"),
          title: model.get("title"),
        };
        const spec = buildSpec(model.get("series"), metrics, opts, themeColors(el));
        const result = await embed(box, spec, {
          mode: "vega-lite",
          renderer: "canvas",
          actions: { export: true, source: false, compiled: false, editor: false },
        });
        view = result.view;
      }
      // resize(): the facet grid grows with the data, and the canvas must follow it
      const data = rows(model, store, metrics);
      await view.data("points", data).resize().runAsync();
      el.dataset.points = String(data.length); // hook for the browser tests: points drawn
    } catch (err) {
      console.error("jupyter-mlm live chart:", err);
    } finally {
      drawing = false;
    }
  }

  // At most ten redraws a second, however fast points arrive; points after a quiet spell are
  // drawn at once (leading edge), later ones wait for the rest of the 100 ms.
  function schedule() {
    if (timer !== null) return;
    timer = setTimeout(draw, Math.max(0, 100 - (performance.now() - lastDraw)));
  }
  function respec() {
    specDirty = true;
    schedule();
  }

  const unsubscribe = store.subscribe(schedule);
  model.on(REDRAW_ON, respec);
  const themeWatch = new MutationObserver(respec);
  themeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"] });
  draw();

  return () => {
    disconnect?.();
    unsubscribe();
    model.off(REDRAW_ON, respec);
    themeWatch.disconnect();
    if (timer !== null) clearTimeout(timer);
    view?.finalize();
  };
}

export default { initialize, render };
