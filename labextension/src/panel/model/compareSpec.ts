// The comparison of runs: which metrics to draw, their Vega-Lite spec, which params differ.

import type { MetricSeries, Run } from '../api/types.js';

export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  font: string;
}

export interface ParamRow {
  key: string;
  values: unknown[];
  differs: boolean;
}

/** Every param of the runs, the differing ones first; a param missing from a run differs. */
export function paramRows(runs: readonly Run[]): ParamRow[] {
  const keys = new Set<string>();
  for (const run of runs) {
    Object.keys(run.params ?? {}).forEach(k => keys.add(k));
  }
  const rows = [...keys].sort().map(key => {
    const values = runs.map(r => (r.params && key in r.params ? r.params[key] : undefined));
    const seen = new Set(values.map(v => (v === undefined ? '\u0000missing' : JSON.stringify(v))));
    return { key, values, differs: seen.size > 1 };
  });
  return [...rows.filter(r => r.differs), ...rows.filter(r => !r.differs)];
}

/** A label per run id: its name, with a short id when names repeat. */
export function runLabels(runs: readonly Run[]): Record<string, string> {
  const counts: Record<string, number> = {};
  for (const r of runs) {
    counts[r.name] = (counts[r.name] ?? 0) + 1;
  }
  return Object.fromEntries(
    runs.map(r => [r.run_id, counts[r.name] > 1 || !r.name ? `${r.name || 'run'} (${r.run_id.slice(0, 6)})` : r.name])
  );
}

/** The metrics to draw: those logged by the most runs first, at most `max`. */
export function compareMetrics(runs: readonly Run[], max = 6): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) {
    for (const key of Object.keys(run.metrics ?? {})) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([k]) => k);
}

export interface Point {
  m: string;
  r: string;
  x: number;
  y: number;
}

/** The rows Vega draws from: one per logged point, non-finite values left out. */
export function seriesPoints(series: ReadonlyArray<{ run: string; data: MetricSeries }>): Point[] {
  const out: Point[] = [];
  for (const { run, data } of series) {
    const n = Math.min(data.steps.length, data.values.length);
    for (let i = 0; i < n; i++) {
      const y = data.values[i];
      if (typeof y === 'number' && Number.isFinite(y)) {
        out.push({ m: data.key, r: run, x: data.steps[i], y });
      }
    }
  }
  return out;
}

/** Overlaid curves: one panel per metric, one colour per run (the in-cell compare widget's look). */
export function compareSpec(
  metrics: readonly string[],
  runs: readonly string[],
  size: { width: number; height: number },
  colors: ThemeColors
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
    config: {
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
    }
  };
}
