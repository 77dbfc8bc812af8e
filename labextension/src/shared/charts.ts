// The Vega-Lite specs of the metric charts: the compare chart (the panel's Compare view and the
// compare widget) and the live chart widget. Data comes as the named dataset "points".

import type { ChartColors, ThemeColors } from './theme.js';

/** Background, font and the theme's colours for axes, headers and legends. */
function chartConfig(colors: ChartColors): Record<string, unknown> {
  return {
    background: 'transparent',
    font: colors.font,
    view: { stroke: null },
    header: { labelColor: colors.text, labelFontSize: 12 },
    axis: {
      labelColor: colors.muted,
      titleColor: colors.text,
      gridColor: colors.grid,
      domainColor: colors.muted,
      tickColor: colors.muted
    },
    legend: { labelColor: colors.text, titleColor: colors.text }
  };
}

/** Overlaid curves from points {m, r, x, y}: one panel per metric, one colour per run. */
export function compareSpec(
  metrics: readonly string[],
  runs: readonly string[],
  size: { width: number; height: number },
  colors: ChartColors
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { name: 'points' },
    facet: { field: 'm', type: 'nominal', title: null, sort: metrics },
    columns: Math.max(1, Math.min(metrics.length, 2)),
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: size.width,
      height: size.height,
      mark: { type: 'line', strokeWidth: 1.5, clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'step', scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'r', type: 'nominal', title: 'run', scale: { domain: runs, scheme: 'tableau10' } },
        tooltip: [
          { field: 'r', type: 'nominal', title: 'run' },
          { field: 'x', type: 'quantitative', title: 'step' },
          { field: 'y', type: 'quantitative', title: 'value', format: '.4~g' }
        ]
      }
    },
    config: chartConfig(colors)
  };
}

/** A series of the live chart: a run's metric; baselines are drawn grey. */
export interface LiveSeries {
  id: string;
  metric: string;
  run: string;
  baseline: boolean;
}

export interface LiveChartOptions {
  x: 'step' | 'time';
  smoothing: number;
  logY: boolean;
  width: number;
  height: number;
  title: string;
}

const GREYS = ['#9e9e9e', '#757575', '#bdbdbd', '#616161', '#e0e0e0'];

/** The live chart from points {s, m, r, x, y, ys}: one panel per metric, the run in the
 * accent colour, baselines grey; with smoothing, the raw curve faint under the smoothed one. */
export function liveChartSpec(
  series: readonly LiveSeries[],
  metrics: readonly string[],
  opts: LiveChartOptions,
  colors: ThemeColors
): Record<string, unknown> {
  const runs: string[] = [];
  for (const s of series) {
    if (!s.baseline && !runs.includes(s.run)) {
      runs.push(s.run);
    }
  }
  const main = runs.length;
  for (const s of series) {
    if (s.baseline && !runs.includes(s.run)) {
      runs.push(s.run);
    }
  }
  const range = runs.map((_, i) => (i < main ? colors.accent : GREYS[(i - main) % GREYS.length]));
  const y = (field: string) => ({
    field,
    type: 'quantitative',
    title: null,
    scale: { type: opts.logY ? 'log' : 'linear', zero: false }
  });
  const smooth = opts.smoothing > 0;
  const layer: Record<string, unknown>[] = [
    { mark: { type: 'line', strokeWidth: 1.5, opacity: smooth ? 0.3 : 1, clip: true }, encoding: { y: y('y') } }
  ];
  if (smooth) {
    layer.push({ mark: { type: 'line', strokeWidth: 2, clip: true }, encoding: { y: y('ys') } });
  }
  return {
    title: opts.title || undefined,
    data: { name: 'points' },
    facet: { field: 'm', type: 'nominal', title: null, sort: metrics },
    columns: Math.max(1, Math.min(metrics.length, 2)),
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: opts.width,
      height: opts.height,
      encoding: {
        x: { field: 'x', type: 'quantitative', title: opts.x === 'time' ? 'time (s)' : 'step', scale: { zero: false } },
        color: { field: 'r', type: 'nominal', title: 'run', scale: { domain: runs, range } },
        detail: { field: 's' }
      },
      layer
    },
    config: { ...chartConfig(colors), title: { color: colors.text } }
  };
}
