// How values and run names read in the panel and in the widgets.

/** A metric value: 4 significant digits, exponent for the very small and very large. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '−∞';
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e9) {
    return String(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return value.toExponential(3).replace(/\.?0+e/, 'e');
  }
  return String(Number(value.toPrecision(4)));
}

/** A param value as the user wrote it: strings bare, numbers like metrics, the rest as JSON. */
export function formatParam(value: unknown): string {
  if (value === undefined) {
    return '—';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return formatValue(value);
  }
  return JSON.stringify(value);
}

/** A cell of the widgets' tables: empty when missing, numbers with 4 significant digits
 * (integers as is, an exponent outside 1e-3..1e5), strings bare, the rest as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      return String(value);
    }
    return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5 ? String(+value.toPrecision(4)) : value.toExponential(3);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "1 run", "3 runs". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}

/** A label per run id: its name, with a short id when names repeat (or the name is empty). */
export function runLabels(runs: ReadonlyArray<{ id: string; name: string }>): Record<string, string> {
  const counts: Record<string, number> = {};
  for (const r of runs) {
    counts[r.name] = (counts[r.name] ?? 0) + 1;
  }
  return Object.fromEntries(runs.map(r => [r.id, counts[r.name] > 1 || !r.name ? `${r.name || 'run'} (${r.id.slice(0, 6)})` : r.name]));
}
