import { describe, expect, it } from 'vitest';
import { curvePoints, float64 } from '../src/widget/buffers.js';
import { type LeaderboardRow, compareKeys, matches, sortKey } from '../src/widget/leaderboardRows.js';
import { flatRows, tickRows } from '../src/widget/parallelSpec.js';
import { SeriesStore } from '../src/widget/store.js';

function view(values: number[]): DataView {
  return new DataView(new Float64Array(values).buffer);
}

describe('live chart store', () => {
  it('appends points, resets on request and tells its listeners', () => {
    const store = new SeriesStore(10);
    let told = 0;
    const stop = store.subscribe(() => (told += 1));
    store.receive({ type: 'append', ids: ['a'] }, [view([0, 1]), view([5, 6])]);
    store.receive({ type: 'append', ids: ['a', 'b'] }, [view([2]), view([7]), view([0]), view([1])]);
    expect(store.series.get('a')).toEqual({ x: [0, 1, 2], y: [5, 6, 7] });
    expect(store.size()).toBe(4);
    store.receive({ type: 'reset', ids: ['b'], buckets: 20 }, [view([9]), view([9])]);
    expect([...store.series.keys()]).toEqual(['b']);
    expect(store.buckets).toBe(20);
    store.receive({ type: 'other' }, []);
    stop();
    store.receive({ type: 'append', ids: [] }, []);
    expect(told).toBe(3);
  });

  it('stays at most four times the buckets long, keeping the extremes', () => {
    const store = new SeriesStore(50);
    for (let chunk = 0; chunk < 100; chunk++) {
      const xs = Array.from({ length: 100 }, (_, i) => chunk * 100 + i);
      store.append(
        'a',
        xs,
        xs.map(x => (x === 5000 ? 99 : Math.sin(x)))
      );
      expect(store.series.get('a')!.x.length).toBeLessThanOrEqual(200);
    }
    expect(Math.max(...store.series.get('a')!.y)).toBe(99);
  });
});

describe('compare widget buffers', () => {
  it('reads x then y of each curve from one float64 buffer', () => {
    const data = view([0, 1, 10, 11, 5, 7]);
    const points = curvePoints(
      [
        { run: 'r1', metric: 'loss', offset: 0, n: 2 },
        { run: 'r2', metric: 'loss', offset: 4, n: 1 }
      ],
      data,
      { r1: 'A', r2: 'B' }
    );
    expect(points).toEqual([
      { m: 'loss', r: 'A', x: 0, y: 10 },
      { m: 'loss', r: 'A', x: 1, y: 11 },
      { m: 'loss', r: 'B', x: 5, y: 7 }
    ]);
    expect(float64(null)).toHaveLength(0);
  });
});

describe('leaderboard rows', () => {
  const row = (rank: number, fields: Partial<LeaderboardRow> = {}): LeaderboardRow => ({
    rank,
    value: rank / 10,
    std: null,
    count: 1,
    run_ids: [`id${rank}`],
    names: [`run-${rank}`],
    status: 'finished',
    params: {},
    ...fields
  });

  it('sorts numbers by value and text naturally, missing values last', () => {
    const values = [3, null, 1, undefined, 2];
    expect([...values].sort(compareKeys)).toEqual([1, 2, 3, null, undefined]);
    expect(['run-10', 'run-9'].sort(compareKeys)).toEqual(['run-9', 'run-10']);
    expect(sortKey(row(1, { params: { lr: 0.1 } }), 'param:lr')).toBe(0.1);
    expect(sortKey(row(1, { names: ['a', 'b'] }), 'name')).toBe('a, b');
    expect(sortKey(row(4), 'rank')).toBe(4);
  });

  it('filters on names, run ids and key=value params', () => {
    const r = row(1, { params: { lr: 0.5 } });
    expect(matches(r, '')).toBe(true);
    expect(matches(r, 'lr=0.5')).toBe(true);
    expect(matches(r, 'id1')).toBe(true);
    expect(matches(r, 'adam')).toBe(false);
  });
});

describe('parallel coordinates', () => {
  const axes = [
    { key: 'lr', kind: 'numeric' as const, log: true, ticks: [{ pos: 0, label: '0.001' }] },
    { key: 'acc', kind: 'metric' as const, log: false, ticks: [{ pos: 1, label: '0.9' }] }
  ];

  it('flattens rows with log axes as log10 and the metric as m', () => {
    expect(flatRows(axes, [{ id: 'r1', name: 'a', values: [0.01, 0.9] }])).toEqual([{ r: 'r1', name: 'a', m: 0.9, a0: -2, a1: 0.9 }]);
    expect(flatRows(axes, [{ id: 'r2', name: 'b', values: [null, 0.5] }])[0].a0).toBeNull();
    expect(tickRows(axes)).toEqual([
      { key: 'a0', pos: 0, label: '0.001' },
      { key: 'a1', pos: 1, label: '0.9' }
    ]);
  });
});
