// anywidget entry of the run comparison: overlaid curves (one Vega-Lite panel per metric, one
// colour per run) from one float64 buffer, and a params table highlighting differing params.
import embed from "vega-embed";
import { redrawOnChange, themeColors } from "./chart.js";
import { ensureStyle, fmt, h } from "./ui.js";

const REDRAW_ON = "change:runs change:metrics change:params change:differing change:series change:data change:width change:height";

function float64(data) {
  if (!data) return new Float64Array(0);
  const view = ArrayBuffer.isView(data) ? data : new DataView(data);
  return new Float64Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/** A label per run id: its name, with a short id when names repeat. */
export function runLabels(runs) {
  const counts = {};
  for (const r of runs) counts[r.name] = (counts[r.name] || 0) + 1;
  return Object.fromEntries(runs.map((r) => [r.id, counts[r.name] > 1 ? `${r.name} (${r.id.slice(0, 6)})` : r.name]));
}

/** Rows {m, r, x, y} of every series in the buffer. */
export function points(series, data, labels) {
  const arr = float64(data);
  const out = [];
  for (const s of series) {
    for (let i = 0; i < s.n; i++) out.push({ m: s.metric, r: labels[s.run], x: arr[s.offset + i], y: arr[s.offset + s.n + i] });
  }
  return out;
}

export function buildSpec(metrics, runs, opts, colors) {
  return {
    data: { name: "points" },
    facet: { field: "m", type: "nominal", title: null, sort: metrics },
    columns: Math.max(1, Math.min(metrics.length, 2)),
    resolve: { scale: { y: "independent" } },
    spec: {
      width: opts.width,
      height: opts.height,
      mark: { type: "line", strokeWidth: 1.5, clip: true },
      encoding: {
        x: { field: "x", type: "quantitative", title: "step", scale: { zero: false } },
        y: { field: "y", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "r", type: "nominal", title: "run", scale: { domain: runs, scheme: "tableau10" } },
      },
    },
    config: {
      background: "transparent",
      font: colors.font,
      view: { stroke: null },
      header: { labelColor: colors.text, labelFontSize: 12 },
      axis: { labelColor: colors.muted, titleColor: colors.text, gridColor: colors.grid, domainColor: colors.muted, tickColor: colors.muted },
      legend: { labelColor: colors.text, titleColor: colors.text },
    },
  };
}

function paramsTable(model, labels) {
  const runs = model.get("runs");
  const differing = new Set(model.get("differing"));
  const head = h("tr", {}, h("th", { textContent: "param" }), ...runs.map((r) => h("th", { textContent: labels[r.id], title: r.id })));
  const rows = model.get("params").map((key) =>
    h(
      "tr",
      { className: differing.has(key) ? "mlm-differs" : "", dataset: { param: key } },
      h("td", { textContent: key, title: differing.has(key) ? "differs between runs" : "same in every run" }),
      ...runs.map((r) => h("td", { textContent: key in r.params ? fmt(r.params[key]) : "—" })),
    ),
  );
  const note = `${differing.size} of ${model.get("params").length} params differ`;
  return [h("div", { className: "mlm-note", textContent: note }), h("table", { className: "mlm-params" }, h("thead", {}, head), h("tbody", {}, ...rows))];
}

function render({ model, el }) {
  ensureStyle();
  el.classList.add("mlm-table-widget", "mlm-compare");
  const chart = h("div", { className: "mlm-compare-chart" });
  const params = h("div", { className: "mlm-compare-params", style: { marginTop: "8px" } });
  el.append(chart, params);
  let view = null;

  async function draw() {
    const labels = runLabels(model.get("runs"));
    params.replaceChildren(...paramsTable(model, labels));
    try {
      view?.finalize();
      const opts = { width: model.get("width"), height: model.get("height") };
      const spec = buildSpec(model.get("metrics"), Object.values(labels), opts, themeColors(el));
      const result = await embed(chart, spec, {
        mode: "vega-lite",
        renderer: "canvas",
        actions: { export: true, source: false, compiled: false, editor: false },
      });
      view = result.view;
      await view.data("points", points(model.get("series"), model.get("data"), labels)).resize().runAsync();
    } catch (err) {
      console.error("jupyter-mlm compare:", err);
    }
  }
  return redrawOnChange(model, REDRAW_ON, draw, () => view?.finalize());
}

export default { render };
