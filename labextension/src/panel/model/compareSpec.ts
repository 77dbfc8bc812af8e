// The comparison of runs: which metrics to draw, their points, which params differ (the chart's
// spec is shared with the compare widget: shared/charts.ts).

import { runLabels as labelRuns } from '../../shared/format.js';
import type { MetricSeries, Run } from '../api/types.js';

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
  return labelRuns(runs.map(r => ({ id: r.run_id, name: r.name })));
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
