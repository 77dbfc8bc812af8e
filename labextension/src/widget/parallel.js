// anywidget entry of the parallel-coordinates chart: one line per run across an axis per param
// and the metric (last), coloured by the metric. Vega-Lite's fold + normalise pattern.
import embed from "vega-embed";
import { redrawOnChange, themeColors } from "./chart.js";
import { ensureStyle, h } from "./ui.js";

const REDRAW_ON = "change:axes change:rows change:metric change:goal change:total change:width change:height";

/** Flat rows {r, name, m, a0, a1, ...}: fold fields are safe names, whatever the param keys;
 * values of log axes as log10 (so the min/max normalisation spaces them by decade). */
export function flatRows(axes, rows) {
  const last = axes.length - 1;
  return rows.map((row) => {
    const out = { r: row.id, name: row.name, m: row.values[last] };
    axes.forEach((axis, i) => {
      const v = row.values[i];
      out[`a${i}`] = axis.log && v !== null ? Math.log10(v) : v;
    });
    return out;
  });
}

/** Tick labels {key, pos, label} of every axis, at their normalised position. */
export function tickRows(axes) {
  return axes.flatMap((axis, i) => axis.ticks.map((t) => ({ key: `a${i}`, pos: t.pos, label: t.label })));
}

export function buildSpec(axes, rows, opts, colors) {
  const keys = axes.map((_, i) => `a${i}`);
  const names = JSON.stringify(axes.map((a) => a.key));
  const x = {
    field: "key",
    type: "nominal",
    sort: keys,
    title: null,
    scale: { domain: keys },
    axis: {
      orient: "bottom",
      domain: false,
      ticks: false,
      grid: false,
      labelAngle: 0,
      labelFontWeight: "bold",
      labelColor: colors.text,
      labelExpr: `${names}[toNumber(slice(datum.value, 1))]`,
    },
  };
  const y = { type: "quantitative", axis: null, scale: { domain: [0, 1], nice: false, zero: false } };
  return {
    width: opts.width,
    height: opts.height,
    padding: { left: 16, right: 16, top: 10, bottom: 4 },
    layer: [
      {
        data: { values: keys.map((key) => ({ key })) },
        mark: { type: "rule", color: colors.muted, strokeWidth: 1 },
        encoding: { x },
      },
      {
        data: { values: flatRows(axes, rows) },
        transform: [
          { window: [{ op: "count", as: "index" }] },
          { fold: keys },
          { filter: "isValid(datum.value) && isFinite(datum.value)" },
          { joinaggregate: [{ op: "min", field: "value", as: "min" }, { op: "max", field: "value", as: "max" }], groupby: ["key"] },
          { calculate: "datum.max === datum.min ? 0.5 : (datum.value - datum.min) / (datum.max - datum.min)", as: "norm" },
        ],
        mark: { type: "line", strokeWidth: 1.4, opacity: 0.75 },
        encoding: {
          x,
          y: { ...y, field: "norm" },
          detail: { field: "index", type: "nominal" },
          color: {
            field: "m",
            type: "quantitative",
            title: opts.metric,
            scale: { scheme: "viridis", reverse: opts.goal === "min" },
          },
          tooltip: [{ field: "name", title: "run" }, { field: "m", title: opts.metric, format: ".4~g" }],
        },
      },
      {
        data: { values: tickRows(axes) },
        mark: { type: "text", align: "left", dx: 4, baseline: "middle", fontSize: 10, color: colors.muted },
        encoding: { x, y: { ...y, field: "pos" }, text: { field: "label" } },
      },
    ],
    config: {
      background: "transparent",
      font: colors.font,
      view: { stroke: null },
      axis: { labelColor: colors.muted, titleColor: colors.text },
      legend: { labelColor: colors.text, titleColor: colors.text, gradientLength: Math.max(60, opts.height - 40) },
    },
  };
}

function render({ model, el }) {
  ensureStyle();
  el.classList.add("mlm-table-widget", "mlm-parallel");
  const note = h("div", { className: "mlm-note" });
  const chart = h("div", { className: "mlm-parallel-chart" });
  el.append(note, chart);
  let view = null;

  async function draw() {
    const axes = model.get("axes");
    const rows = model.get("rows");
    const total = model.get("total");
    const shown = rows.length < total ? `best ${rows.length} of ${total} runs` : `${rows.length} runs`;
    note.textContent = `${shown} by ${model.get("goal")} ${model.get("metric")}`;
    try {
      view?.finalize();
      view = null;
      if (!rows.length) {
        chart.replaceChildren(h("div", { className: "mlm-note", textContent: "no run logged this metric" }));
        return;
      }
      const opts = { width: model.get("width"), height: model.get("height"), metric: model.get("metric"), goal: model.get("goal") };
      const result = await embed(chart, buildSpec(axes, rows, opts, themeColors(el)), {
        mode: "vega-lite",
        renderer: "canvas",
        actions: { export: true, source: false, compiled: false, editor: false },
      });
      view = result.view;
    } catch (err) {
      console.error("jupyter-mlm parallel coordinates:", err);
    }
  }
  return redrawOnChange(model, REDRAW_ON, draw, () => view?.finalize());
}

export default { render };
