// The runs leaderboard: which metric, which order, which filter, which groups.

import type { Run } from '../api/types.js';

export type Mode = 'min' | 'max';
export type SortKey = 'metric' | 'newest' | 'oldest' | 'name';

export interface SortSpec {
  by: SortKey;
  metric: string | null;
  mode: Mode;
}

export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like';

export interface ParamCondition {
  key: string;
  op: FilterOp;
  value: string;
}

/** Every metric key of these runs, most common first, then by name. */
export function metricKeys(runs: readonly Run[]): string[] {
  return keysByFrequency(runs.map(r => Object.keys(r.metrics ?? {})));
}

/** Every param key of these runs, most common first, then by name. */
export function paramKeys(runs: readonly Run[]): string[] {
  return keysByFrequency(runs.map(r => Object.keys(r.params ?? {})));
}

function keysByFrequency(lists: string[][]): string[] {
  const counts = new Map<string, number>();
  for (const keys of lists) {
    for (const k of keys) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}

/** Whether lower is better for a metric named like this (loss, error, …). */
export function defaultMode(metric: string): Mode {
  return /loss|err|mse|mae|rmse|perplexity|ppl|cost|distance|time|latency/i.test(metric) ? 'min' : 'max';
}

/** The value a run is ranked by: the last logged value of the metric. */
export function metricValue(run: Run, metric: string | null): number | null {
  if (!metric) {
    return null;
  }
  const summary = run.metrics?.[metric];
  const v = summary?.last;
  return typeof v === 'number' && !Number.isNaN(v) ? v : null;
}

/** A field name for the server's filter/order syntax, back-quoted when it needs it. */
export function fieldName(kind: 'params' | 'metrics' | 'tags', key: string): string {
  return /^[\w./-]+$/.test(key) ? `${kind}.${key}` : `${kind}.\`${key}\``;
}

/** The `order_by` of `GET runs` for a sort choice (the server breaks ties by start time). */
export function orderBy(sort: SortSpec): string {
  switch (sort.by) {
    case 'metric':
      if (sort.metric) {
        return `${fieldName('metrics', sort.metric)} ${sort.mode === 'min' ? 'ASC' : 'DESC'}`;
      }
      return 'start_time DESC';
    case 'oldest':
      return 'start_time ASC';
    case 'name':
      return 'name ASC';
    default:
      return 'start_time DESC';
  }
}

/** The same order as `orderBy`, applied locally (runs without the metric go last). */
export function sortRuns(runs: readonly Run[], sort: SortSpec): Run[] {
  const out = [...runs];
  const byStart = (a: Run, b: Run) => b.start_time - a.start_time;
  switch (sort.by) {
    case 'metric': {
      const sign = sort.mode === 'min' ? 1 : -1;
      return out.sort((a, b) => {
        const va = metricValue(a, sort.metric);
        const vb = metricValue(b, sort.metric);
        if (va === null || vb === null) {
          return va === vb ? byStart(a, b) : va === null ? 1 : -1;
        }
        return sign * (va - vb) || byStart(a, b);
      });
    }
    case 'oldest':
      return out.sort((a, b) => a.start_time - b.start_time);
    case 'name':
      return out.sort((a, b) => a.name.localeCompare(b.name) || byStart(a, b));
    default:
      return out.sort(byStart);
  }
}

function literal(value: string): string {
  const trimmed = value.trim();
  if (trimmed !== '' && /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) {
    return trimmed;
  }
  if (/^(true|false|null)$/i.test(trimmed)) {
    return trimmed.toLowerCase();
  }
  return `'${trimmed.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Param conditions and free text as one server filter: "params.lr < 0.01 and params.opt = 'adam'". */
export function buildFilter(conditions: readonly ParamCondition[], freeText = ''): string {
  const parts = conditions.filter(c => c.key.trim() !== '').map(c => `${fieldName('params', c.key.trim())} ${c.op} ${literal(c.value)}`);
  if (freeText.trim()) {
    parts.push(freeText.trim());
  }
  return parts.join(' and ');
}

export interface RunGroup {
  /** "lr=0.1, opt=adam" */
  label: string;
  values: Record<string, unknown>;
  runs: Run[];
  best: number | null;
  mean: number | null;
}

/** Runs grouped by the values of `keys` (missing shows as "—"), best group first. */
export function groupRuns(runs: readonly Run[], keys: readonly string[], metric: string | null, mode: Mode): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const values: Record<string, unknown> = {};
    for (const k of keys) {
      values[k] = run.params?.[k];
    }
    const id = JSON.stringify(keys.map(k => values[k] ?? null));
    let group = groups.get(id);
    if (!group) {
      const label = keys
        .map(k => `${k}=${values[k] === undefined ? '—' : typeof values[k] === 'string' ? values[k] : JSON.stringify(values[k])}`)
        .join(', ');
      group = { label, values, runs: [], best: null, mean: null };
      groups.set(id, group);
    }
    group.runs.push(run);
  }
  const better = (a: number, b: number) => (mode === 'min' ? a < b : a > b);
  for (const group of groups.values()) {
    const vals = group.runs.map(r => metricValue(r, metric)).filter((v): v is number => v !== null);
    if (vals.length) {
      group.best = vals.reduce((acc, v) => (better(v, acc) ? v : acc));
      group.mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    }
  }
  return [...groups.values()].sort((a, b) => {
    if (a.best === null || b.best === null) {
      return a.best === b.best ? a.label.localeCompare(b.label) : a.best === null ? 1 : -1;
    }
    return better(a.best, b.best) ? -1 : better(b.best, a.best) ? 1 : a.label.localeCompare(b.label);
  });
}
