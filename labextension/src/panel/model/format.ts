// How times, hashes and sizes read in the panel (values, params and counts: shared/format.ts).

export { formatParam, formatValue, plural } from '../../shared/format.js';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Unix seconds → "2026-11-27 18:52" in local time. */
export function formatDateTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '—';
  }
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date. */
export function formatRelative(seconds: number | null | undefined, now = Date.now() / 1000): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '—';
  }
  const age = now - seconds;
  if (age < -MINUTE) {
    return formatDateTime(seconds); // clock skew: say when, not "in the future"
  }
  if (age < 45) {
    return 'just now';
  }
  if (age < HOUR) {
    return `${Math.max(1, Math.round(age / MINUTE))} min ago`;
  }
  if (age < DAY) {
    return `${Math.floor(age / HOUR)} h ago`;
  }
  if (age < 7 * DAY) {
    return `${Math.floor(age / DAY)} d ago`;
  }
  return formatDateTime(seconds).slice(0, 10);
}

/** "45 s", "3 min 12 s", "2 h 05 min", "3 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return '—';
  }
  const s = Math.round(seconds);
  if (s < MINUTE) {
    return `${s} s`;
  }
  if (s < HOUR) {
    return `${Math.floor(s / MINUTE)} min ${s % MINUTE} s`;
  }
  if (s < DAY) {
    return `${Math.floor(s / HOUR)} h ${pad(Math.floor((s % HOUR) / MINUTE))} min`;
  }
  return `${Math.floor(s / DAY)} d ${Math.floor((s % DAY) / HOUR)} h`;
}

/** A content hash or id shortened for display: the algorithm prefix ("blake3:") dropped. */
export function shortHash(id: string | null | undefined, length = 8): string {
  if (!id) {
    return '';
  }
  const bare = id.includes(':') ? id.slice(id.lastIndexOf(':') + 1) : id;
  return bare.slice(0, length);
}

/** A git commit as git shows it (7 hex digits). */
export function shortCommit(commit: string | null | undefined): string {
  return shortHash(commit, 7);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB"; three significant digits at most. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    return '—';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) {
    return `${value} B`;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}
