// The Vega-Lite spec of the parallel-coordinates chart: one line per run across an axis per
// param and the metric (last), coloured by the metric. Vega-Lite's fold + normalise pattern.

import type { ChartColors } from '../shared/theme.js';

/** A vertical axis: a param or the metric, with its tick labels at normalised positions. */
export interface Axis {
  key: string;
  kind: 'numeric' | 'categorical' | 'metric';
  /** positive values over >= 2 decades: drawn on a log scale */
  log: boolean;
  ticks: Array<{ pos: number; label: string }>;
}

/** A run: `values[i]` is its position on `axes[i]` (a category's index; null if missing). */
export interface ParallelRow {
  id: string;
  name: string;
  values: Array<number | null>;
}

export interface ParallelOptions {
  width: number;
  height: number;
  metric: string;
  goal: 'min' | 'max';
}

/** Flat rows {r, name, m, a0, a1, ...}: fold fields are safe names, whatever the param keys;
 * values of log axes as log10 (so the min/max normalisation spaces them by decade). */
export function flatRows(axes: readonly Axis[], rows: readonly ParallelRow[]): Record<string, unknown>[] {
  const last = axes.length - 1;
  return rows.map(row => {
    const out: Record<string, unknown> = { r: row.id, name: row.name, m: row.values[last] };
    axes.forEach((axis, i) => {
      const v = row.values[i];
      out[`a${i}`] = axis.log && v !== null ? Math.log10(v) : v;
    });
    return out;
  });
}

/** Tick labels {key, pos, label} of every axis, at their normalised position. */
export function tickRows(axes: readonly Axis[]): Array<{ key: string; pos: number; label: string }> {
  return axes.flatMap((axis, i) => axis.ticks.map(t => ({ key: `a${i}`, pos: t.pos, label: t.label })));
}

export function parallelSpec(
  axes: readonly Axis[],
  rows: readonly ParallelRow[],
  opts: ParallelOptions,
  colors: ChartColors
): Record<string, unknown> {
  const keys = axes.map((_, i) => `a${i}`);
  const names = JSON.stringify(axes.map(a => a.key));
  const x = {
    field: 'key',
    type: 'nominal',
    sort: keys,
    title: null,
    scale: { domain: keys },
    axis: {
      orient: 'bottom',
      domain: false,
      ticks: false,
      grid: false,
      labelAngle: 0,
      labelFontWeight: 'bold',
      labelColor: colors.text,
      labelExpr: `${names}[toNumber(slice(datum.value, 1))]`
    }
  };
  const y = { type: 'quantitative', axis: null, scale: { domain: [0, 1], nice: false, zero: false } };
  return {
    width: opts.width,
    height: opts.height,
    padding: { left: 16, right: 16, top: 10, bottom: 4 },
    layer: [
      {
        data: { values: keys.map(key => ({ key })) },
        mark: { type: 'rule', color: colors.muted, strokeWidth: 1 },
        encoding: { x }
      },
      {
        data: { values: flatRows(axes, rows) },
        transform: [
          { window: [{ op: 'count', as: 'index' }] },
          { fold: keys },
          { filter: 'isValid(datum.value) && isFinite(datum.value)' },
          {
            joinaggregate: [
              { op: 'min', field: 'value', as: 'min' },
              { op: 'max', field: 'value', as: 'max' }
            ],
            groupby: ['key']
          },
          { calculate: 'datum.max === datum.min ? 0.5 : (datum.value - datum.min) / (datum.max - datum.min)', as: 'norm' }
        ],
        mark: { type: 'line', strokeWidth: 1.4, opacity: 0.75 },
        encoding: {
          x,
          y: { ...y, field: 'norm' },
          detail: { field: 'index', type: 'nominal' },
          color: {
            field: 'm',
            type: 'quantitative',
            title: opts.metric,
            scale: { scheme: 'viridis', reverse: opts.goal === 'min' }
          },
          tooltip: [
            { field: 'name', title: 'run' },
            { field: 'm', title: opts.metric, format: '.4~g' }
          ]
        }
      },
      {
        data: { values: tickRows(axes) },
        mark: { type: 'text', align: 'left', dx: 4, baseline: 'middle', fontSize: 10, color: colors.muted },
        encoding: { x, y: { ...y, field: 'pos' }, text: { field: 'label' } }
      }
    ],
    config: {
      background: 'transparent',
      font: colors.font,
      view: { stroke: null },
      axis: { labelColor: colors.muted, titleColor: colors.text },
      legend: { labelColor: colors.text, titleColor: colors.text, gradientLength: Math.max(60, opts.height - 40) }
    }
  };
}
