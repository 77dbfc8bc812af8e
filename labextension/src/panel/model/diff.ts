// A checkpoint diff (the `cells` list of the API) as rows to render, cell by cell.

import type { CellStatus, DiffCell } from '../api/types.js';

export type LineOp = 'same' | 'added' | 'removed';

export interface DiffLine {
  op: LineOp;
  text: string;
}

export interface CellRow {
  status: CellStatus;
  cellType: string;
  /** "cell 3", "cell 3 → 4" (1-based, as the user counts) */
  position: string;
  lines: DiffLine[];
  outputsChanged: boolean;
  /** a short word for screen readers and the row badge */
  label: string;
}

export type DiffItem = { kind: 'cell'; row: CellRow } | { kind: 'unchanged-run'; rows: CellRow[] };

/** Above this many line pairs the line diff gives up on alignment (all removed, then all added). */
const MAX_LCS_CELLS = 4_000_000;

function splitLines(text: string | null): string[] {
  if (text === null || text === '') {
    return [];
  }
  return text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
}

/** A line diff of two sources (longest common subsequence). */
export function lineDiff(base: string | null, remote: string | null): DiffLine[] {
  const a = splitLines(base);
  const b = splitLines(remote);
  if (a.length * b.length > MAX_LCS_CELLS) {
    return [...a.map(text => ({ op: 'removed' as const, text })), ...b.map(text => ({ op: 'added' as const, text }))];
  }
  // lcs[i][j]: length of the LCS of a[i:] and b[j:]
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      out.push({ op: 'removed', text: a[i++] });
    } else {
      out.push({ op: 'added', text: b[j++] });
    }
  }
  while (i < a.length) {
    out.push({ op: 'removed', text: a[i++] });
  }
  while (j < b.length) {
    out.push({ op: 'added', text: b[j++] });
  }
  return out;
}

function position(cell: DiffCell): string {
  const base = cell.base_index === null ? null : cell.base_index + 1;
  const remote = cell.remote_index === null ? null : cell.remote_index + 1;
  if (base !== null && remote !== null && base !== remote) {
    return `cell ${base} → ${remote}`;
  }
  return `cell ${remote ?? base ?? '?'}`;
}

/** One cell of the diff as a row: its lines marked same / added / removed. */
export function cellRow(cell: DiffCell): CellRow {
  let lines: DiffLine[];
  let status = cell.status;
  switch (cell.status) {
    case 'added':
      lines = splitLines(cell.source_remote).map(text => ({ op: 'added', text }));
      break;
    case 'removed':
      lines = splitLines(cell.source_base).map(text => ({ op: 'removed', text }));
      break;
    case 'modified':
      lines = lineDiff(cell.source_base, cell.source_remote);
      break;
    default:
      lines = splitLines(cell.source_remote ?? cell.source_base).map(text => ({ op: 'same', text }));
      if (cell.outputs_changed) {
        status = 'modified'; // same source, new outputs: still a change the user should see
      }
  }
  const sourceChanged = lines.some(l => l.op !== 'same');
  const label =
    status === 'added'
      ? 'added'
      : status === 'removed'
        ? 'removed'
        : status === 'modified'
          ? sourceChanged
            ? cell.outputs_changed
              ? 'changed (source and outputs)'
              : 'changed'
            : 'outputs changed'
          : 'unchanged';
  return { status, cellType: cell.cell_type, position: position(cell), lines, outputsChanged: cell.outputs_changed, label };
}

/** Rows in notebook order, with each stretch of unchanged cells folded into one item. */
export function diffItems(cells: readonly DiffCell[]): DiffItem[] {
  const items: DiffItem[] = [];
  for (const cell of cells) {
    const row = cellRow(cell);
    const last = items[items.length - 1];
    if (row.status !== 'unchanged') {
      items.push({ kind: 'cell', row });
    } else if (last && last.kind === 'unchanged-run') {
      last.rows.push(row);
    } else {
      items.push({ kind: 'unchanged-run', rows: [row] });
    }
  }
  return items;
}

export interface DiffSummary {
  added: number;
  removed: number;
  modified: number;
  unchanged: number;
  text: string;
}

/** Counts of the cells by status, and "1 added, 2 changed, 5 unchanged" (or "no changes"). */
export function diffSummary(cells: readonly DiffCell[]): DiffSummary {
  const counts = { added: 0, removed: 0, modified: 0, unchanged: 0 };
  for (const cell of cells) {
    counts[cellRow(cell).status] += 1;
  }
  const parts: string[] = [];
  if (counts.added) {
    parts.push(`${counts.added} added`);
  }
  if (counts.removed) {
    parts.push(`${counts.removed} removed`);
  }
  if (counts.modified) {
    parts.push(`${counts.modified} changed`);
  }
  const changed = parts.length > 0;
  if (counts.unchanged) {
    parts.push(`${counts.unchanged} unchanged`);
  }
  return { ...counts, text: changed ? parts.join(', ') : 'no changes' };
}
