import { describe, expect, it } from 'vitest';
import { compareMetrics, paramRows, runLabels, seriesPoints } from '../src/panel/model/compareSpec.js';
import { compareSpec } from '../src/shared/charts.js';
import { run } from './fixtures.js';

describe('comparison', () => {
  it('puts the params that differ first, a missing param counting as different', () => {
    const rows = paramRows([run('a', { params: { lr: 0.1, seed: 1, opt: 'adam' } }), run('b', { params: { lr: 0.2, seed: 1 } })]);
    expect(rows.map(r => [r.key, r.differs])).toEqual([
      ['lr', true],
      ['opt', true],
      ['seed', false]
    ]);
    expect(rows[1].values).toEqual(['adam', undefined]);
  });

  it('labels runs by name, adding a short id when names repeat', () => {
    const labels = runLabels([run('abcdef123', { name: 'mlp' }), run('987654abc', { name: 'mlp' }), run('x1', { name: 'cnn' })]);
    expect(labels).toEqual({ abcdef123: 'mlp (abcdef)', '987654abc': 'mlp (987654)', x1: 'cnn' });
  });

  it('draws the metrics most runs logged, and only finite points', () => {
    expect(compareMetrics([run('a', { loss: 1, acc: 1 }), run('b', { loss: 1 })])).toEqual(['loss', 'acc']);
    const points = seriesPoints([
      { run: 'A', data: { key: 'loss', steps: [0, 1, 2], values: [1, Number.NaN, 0.5], times: [], total_points: 3, downsampled: false } }
    ]);
    expect(points).toEqual([
      { m: 'loss', r: 'A', x: 0, y: 1 },
      { m: 'loss', r: 'A', x: 2, y: 0.5 }
    ]);
  });

  it('builds one facet per metric with the theme colours', () => {
    const spec = compareSpec(
      ['loss', 'acc', 'f1'],
      ['A', 'B'],
      { width: 300, height: 150 },
      { text: '#111', muted: '#555', grid: '#ddd', font: 'Inter' }
    );
    expect(spec.columns).toBe(2);
    expect((spec.facet as { sort: string[] }).sort).toEqual(['loss', 'acc', 'f1']);
    const config = spec.config as { axis: { gridColor: string }; font: string };
    expect(config.axis.gridColor).toBe('#ddd');
    expect(config.font).toBe('Inter');
  });
});
