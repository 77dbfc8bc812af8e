import { describe, expect, it } from 'vitest';
import { liveChartSpec } from '../src/shared/charts.js';
import { ema, minmax } from '../src/shared/downsample.js';
import { formatCell, runLabels } from '../src/shared/format.js';

const COLORS = { text: '#111', muted: '#555', grid: '#ddd', font: 'Inter', accent: '#1565c0' };
const OPTS = { x: 'step' as const, smoothing: 0, logY: false, width: 300, height: 150, title: '' };

describe('min/max downsampling', () => {
  it('passes short series through', () => {
    const xs = [2, 1];
    expect(minmax(xs, [5, 6], 10)[0]).toBe(xs);
  });

  it('keeps the extremes of every bucket, in x order, at most two per bucket', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map(x => Math.sin(x / 50) + (x === 4321 ? 10 : 0) - (x === 9876 ? 10 : 0));
    const [dx, dy] = minmax(xs, ys, 100);
    expect(dx.length).toBeLessThanOrEqual(200);
    expect(Math.max(...dy)).toBe(Math.max(...ys));
    expect(Math.min(...dy)).toBe(Math.min(...ys));
    expect(dx.every((x, i) => i === 0 || x > dx[i - 1])).toBe(true);
  });

  it('orders unsorted x first', () => {
    const xs = [...Array.from({ length: 100 }, (_, i) => 100 + i), ...Array.from({ length: 100 }, (_, i) => i)];
    const [dx, dy] = minmax(
      xs,
      xs.map(x => 2 * x),
      10
    );
    expect(dx.every((x, i) => i === 0 || x >= dx[i - 1])).toBe(true);
    expect(Math.max(...dy)).toBe(398);
    expect(Math.min(...dy)).toBe(0);
  });
});

describe('smoothing', () => {
  it('is the identity without weight, debiased from the first point, and skips non-finite values', () => {
    const ys = [1, 2, Number.NaN, 3];
    expect(ema(ys, 0)).toBe(ys);
    const out = ema(ys, 0.5);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo((0.25 * 1 + 0.5 * 2) / 0.75);
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeGreaterThan(out[1]);
  });
});

describe('labels', () => {
  it('formats the cells of the widget tables', () => {
    expect(formatCell(null)).toBe('');
    expect(formatCell(undefined)).toBe('');
    expect(formatCell(3)).toBe('3');
    expect(formatCell(0.123456)).toBe('0.1235');
    expect(formatCell(1e-5)).toBe('1.000e-5');
    expect(formatCell(123456.7)).toBe('1.235e+5');
    expect(formatCell('adam')).toBe('adam');
    expect(formatCell({ a: [1, 2] })).toBe('{"a":[1,2]}');
  });

  it('labels runs by name, with a short id when names repeat or are empty', () => {
    const labels = runLabels([
      { id: 'abcdef123', name: 'mlp' },
      { id: '987654abc', name: 'mlp' },
      { id: 'x1', name: 'cnn' },
      { id: 'fedcba987', name: '' }
    ]);
    expect(labels).toEqual({ abcdef123: 'mlp (abcdef)', '987654abc': 'mlp (987654)', x1: 'cnn', fedcba987: 'run (fedcba)' });
  });
});

describe('live chart spec', () => {
  const series = [
    { id: 'b:loss', metric: 'loss', run: 'old', baseline: true },
    { id: 'a:loss', metric: 'loss', run: 'now', baseline: false },
    { id: 'a:acc', metric: 'acc', run: 'now', baseline: false }
  ];

  it('draws the run in the accent colour and baselines grey, one panel per metric', () => {
    const spec = liveChartSpec(series, ['loss', 'acc'], OPTS, COLORS) as {
      columns: number;
      title: unknown;
      spec: { encoding: { color: { scale: { domain: string[]; range: string[] } } }; layer: unknown[] };
      config: { title: { color: string } };
    };
    expect(spec.columns).toBe(2);
    expect(spec.title).toBeUndefined();
    expect(spec.spec.encoding.color.scale).toEqual({ domain: ['now', 'old'], range: ['#1565c0', '#9e9e9e'] });
    expect(spec.spec.layer).toHaveLength(1);
    expect(spec.config.title.color).toBe('#111');
  });

  it('adds the smoothed curve over a faint raw one, and a log scale on request', () => {
    const spec = liveChartSpec(series, ['loss'], { ...OPTS, smoothing: 0.6, logY: true, x: 'time', title: 'demo' }, COLORS) as {
      title: string;
      spec: {
        encoding: { x: { title: string } };
        layer: Array<{ mark: { opacity?: number }; encoding: { y: { field: string; scale: { type: string } } } }>;
      };
    };
    expect(spec.title).toBe('demo');
    expect(spec.spec.encoding.x.title).toBe('time (s)');
    expect(spec.spec.layer.map(l => l.encoding.y.field)).toEqual(['y', 'ys']);
    expect(spec.spec.layer[0].mark.opacity).toBe(0.3);
    expect(spec.spec.layer[1].encoding.y.scale.type).toBe('log');
  });
});
