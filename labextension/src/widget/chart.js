// The Vega-Lite spec of the live chart: one panel per metric, the run in colour, baselines grey.

const GREYS = ["#9e9e9e", "#757575", "#bdbdbd", "#616161", "#e0e0e0"];

function cssVar(el, name, fallback) {
  const value = getComputedStyle(el).getPropertyValue(name).trim();
  return value || fallback;
}

/** True when JupyterLab (or, outside it, the OS) uses a dark theme. */
export function isDark() {
  const light = document.body.dataset.jpThemeLight;
  if (light !== undefined) return light === "false";
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

/** Font, text and grid colours of the current theme, read from JupyterLab's CSS variables. */
export function themeColors(el) {
  const dark = isDark();
  return {
    text: cssVar(el, "--jp-ui-font-color1", dark ? "#e0e0e0" : "#212121"),
    muted: cssVar(el, "--jp-ui-font-color2", dark ? "#bdbdbd" : "#616161"),
    grid: cssVar(el, "--jp-border-color2", dark ? "#424242" : "#e0e0e0"),
    accent: dark ? "#64b5f6" : "#1565c0",
    font: cssVar(el, "--jp-ui-font-family", "sans-serif"),
  };
}

/** series: [{id, metric, run, baseline}]; opts: {x, smoothing, logY, width, height, title}. */
export function buildSpec(series, metrics, opts, colors) {
  const runs = [];
  for (const s of series) if (!s.baseline && !runs.includes(s.run)) runs.push(s.run);
  const main = runs.length;
  for (const s of series) if (s.baseline && !runs.includes(s.run)) runs.push(s.run);
  const range = runs.map((_, i) => (i < main ? colors.accent : GREYS[(i - main) % GREYS.length]));
  const y = (field) => ({
    field,
    type: "quantitative",
    title: null,
    scale: { type: opts.logY ? "log" : "linear", zero: false },
  });
  const smooth = opts.smoothing > 0;
  const layer = [
    { mark: { type: "line", strokeWidth: 1.5, opacity: smooth ? 0.3 : 1, clip: true }, encoding: { y: y("y") } },
  ];
  if (smooth) layer.push({ mark: { type: "line", strokeWidth: 2, clip: true }, encoding: { y: y("ys") } });
  return {
    title: opts.title || undefined,
    data: { name: "points" },
    facet: { field: "m", type: "nominal", title: null, sort: metrics },
    columns: Math.max(1, Math.min(metrics.length, 2)),
    resolve: { scale: { y: "independent" } },
    spec: {
      width: opts.width,
      height: opts.height,
      encoding: {
        x: { field: "x", type: "quantitative", title: opts.x === "time" ? "time (s)" : "step", scale: { zero: false } },
        color: { field: "r", type: "nominal", title: "run", scale: { domain: runs, range } },
        detail: { field: "s" },
      },
      layer,
    },
    config: {
      background: "transparent",
      font: colors.font,
      view: { stroke: null },
      title: { color: colors.text },
      header: { labelColor: colors.text, labelFontSize: 12 },
      axis: {
        labelColor: colors.muted,
        titleColor: colors.text,
        gridColor: colors.grid,
        domainColor: colors.muted,
        tickColor: colors.muted,
      },
      legend: { labelColor: colors.text, titleColor: colors.text },
    },
  };
}


/** Call ``draw`` (at most every 50 ms) when one of ``events`` fires on the model or the
 * JupyterLab theme changes, and once now; returns the cleanup for anywidget's render. */
export function redrawOnChange(model, events, draw, finalize) {
  let pending = null;
  const schedule = () => {
    if (pending === null) pending = setTimeout(() => ((pending = null), draw()), 50);
  };
  model.on(events, schedule);
  const themeWatch = new MutationObserver(schedule);
  themeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"] });
  draw();
  return () => {
    model.off(events, schedule);
    themeWatch.disconnect();
    if (pending !== null) clearTimeout(pending);
    finalize();
  };
}
