import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatParam,
  formatRelative,
  formatValue,
  plural,
  shortCommit,
  shortHash
} from '../src/panel/model/format.js';

const T = Date.UTC(2026, 10, 27, 18, 52, 0) / 1000; // 2026-11-27 18:52 UTC

describe('times', () => {
  it('formats unix seconds as a local date and time', () => {
    expect(formatDateTime(T)).toBe('2026-11-27 18:52');
    expect(formatDateTime(null)).toBe('—');
  });

  it('says how long ago, then falls back to the date', () => {
    expect(formatRelative(T - 10, T)).toBe('just now');
    expect(formatRelative(T - 5 * 60, T)).toBe('5 min ago');
    expect(formatRelative(T - 3 * 3600 - 100, T)).toBe('3 h ago');
    expect(formatRelative(T - 2 * 86400, T)).toBe('2 d ago');
    expect(formatRelative(T - 30 * 86400, T)).toBe('2026-10-28');
  });

  it('shows a time in the future (clock skew) as a date, not as "ago"', () => {
    expect(formatRelative(T + 3600, T)).toBe('2026-11-27 19:52');
  });

  it('formats durations with two units at most', () => {
    expect(formatDuration(45.4)).toBe('45 s');
    expect(formatDuration(192)).toBe('3 min 12 s');
    expect(formatDuration(2 * 3600 + 5 * 60)).toBe('2 h 05 min');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('hashes and sizes', () => {
  it('shortens content ids, dropping the algorithm prefix', () => {
    expect(shortHash('blake3:0123456789abcdef')).toBe('01234567');
    expect(shortHash('fedcba9876543210', 4)).toBe('fedc');
    expect(shortHash(null)).toBe('');
    expect(shortCommit('a1b2c3d4e5f60718293a')).toBe('a1b2c3d');
  });

  it('formats byte counts in binary units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12.25 * 1024 * 1024)).toBe('12.3 MiB');
    expect(formatBytes(300 * 1024 ** 3)).toBe('300 GiB');
    expect(formatBytes(null)).toBe('—');
  });
});

describe('values', () => {
  it('formats metric values to four significant digits', () => {
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(42)).toBe('42');
    expect(formatValue(1234.5678)).toBe('1235');
    expect(formatValue(0.00001234)).toBe('1.234e-5');
    expect(formatValue(2.5e9)).toBe('2.5e+9');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(-Infinity)).toBe('−∞');
  });

  it('shows params as written: strings bare, others as JSON', () => {
    expect(formatParam('adam')).toBe('adam');
    expect(formatParam(0.001)).toBe('0.001');
    expect(formatParam([64, 32])).toBe('[64,32]');
    expect(formatParam(true)).toBe('true');
    expect(formatParam(undefined)).toBe('—');
  });

  it('pluralises counts with thousands separators', () => {
    expect(plural(1, 'run')).toBe('1 run');
    expect(plural(10000, 'run')).toBe('10,000 runs');
    expect(plural(2, 'version')).toBe('2 versions');
  });
});
