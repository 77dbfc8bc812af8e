// The leaderboard widget's rows: sort keys, ordering and the filter.

import { formatCell } from '../shared/format.js';

/** A row of `jupyter_mlm.widgets.Leaderboard`: a run, or a group of runs (value: mean ± std). */
export interface LeaderboardRow {
  rank: number;
  value: number | null;
  std: number | null;
  count: number;
  run_ids: string[];
  names: string[];
  status: string | null;
  params: Record<string, unknown>;
}

/** Sort key of a row for a column: "rank", "value", "count", "name", "status" or "param:<key>". */
export function sortKey(row: LeaderboardRow, column: string): unknown {
  if (column === 'name') {
    return row.names.join(', ');
  }
  if (column.startsWith('param:')) {
    return row.params[column.slice(6)];
  }
  return (row as unknown as Record<string, unknown>)[column];
}

/** Numbers by value, the rest by their text (numbers in it by value), missing values last. */
export function compareKeys(a: unknown, b: unknown): number {
  const missA = a === null || a === undefined;
  const missB = b === null || b === undefined;
  if (missA || missB) {
    return Number(missA) - Number(missB);
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return formatCell(a).localeCompare(formatCell(b), undefined, { numeric: true });
}

/** True when `needle` (lower case) is in the row's names, run ids or `key=value` params. */
export function matches(row: LeaderboardRow, needle: string): boolean {
  if (!needle) {
    return true;
  }
  const text = [...row.names, ...row.run_ids, ...Object.entries(row.params).map(([k, v]) => `${k}=${formatCell(v)}`)];
  return text.join(' ').toLowerCase().includes(needle);
}
