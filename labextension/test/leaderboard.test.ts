import { describe, expect, it } from 'vitest';
import {
  buildFilter,
  defaultMode,
  groupRuns,
  metricKeys,
  metricValue,
  orderBy,
  paramKeys,
  sortRuns
} from '../src/panel/model/leaderboard.js';
import { anyRunning, statusBadge } from '../src/panel/model/status.js';
import { run } from './fixtures.js';

describe('leaderboard columns', () => {
  it('lists metric and param keys, the most common first', () => {
    const runs = [
      run('a', { loss: 1, params: { lr: 0.1 } }),
      run('b', { loss: 2, acc: 0.5, params: { lr: 0.2, opt: 'adam' } }),
      run('c', { acc: 0.7, params: { lr: 0.3 } })
    ];
    expect(metricKeys(runs)).toEqual(['acc', 'loss']);
    expect(paramKeys(runs)).toEqual(['lr', 'opt']);
  });

  it('guesses lower-is-better from the metric name', () => {
    expect(defaultMode('val_loss')).toBe('min');
    expect(defaultMode('test/RMSE')).toBe('min');
    expect(defaultMode('accuracy')).toBe('max');
    expect(defaultMode('f1')).toBe('max');
  });

  it('ranks by the last value, treating missing and NaN as no value', () => {
    expect(metricValue(run('a', { loss: 0.5 }), 'loss')).toBe(0.5);
    expect(metricValue(run('a', { loss: Number.NaN }), 'loss')).toBeNull();
    expect(metricValue(run('a'), 'loss')).toBeNull();
    expect(metricValue(run('a', { loss: 1 }), null)).toBeNull();
  });
});

describe('ordering', () => {
  it('asks the server for the chosen order', () => {
    expect(orderBy({ by: 'metric', metric: 'loss', mode: 'min' })).toBe('metrics.loss ASC');
    expect(orderBy({ by: 'metric', metric: 'val acc', mode: 'max' })).toBe('metrics.`val acc` DESC');
    expect(orderBy({ by: 'metric', metric: null, mode: 'max' })).toBe('start_time DESC');
    expect(orderBy({ by: 'oldest', metric: null, mode: 'min' })).toBe('start_time ASC');
    expect(orderBy({ by: 'name', metric: null, mode: 'min' })).toBe('name ASC');
  });

  it('sorts by metric in the chosen direction, runs without it last', () => {
    const runs = [run('a', { loss: 0.3 }), run('b'), run('c', { loss: 0.1 }), run('d', { loss: 0.2 })];
    const ids = (rs: { run_id: string }[]) => rs.map(r => r.run_id);
    expect(ids(sortRuns(runs, { by: 'metric', metric: 'loss', mode: 'min' }))).toEqual(['c', 'd', 'a', 'b']);
    expect(ids(sortRuns(runs, { by: 'metric', metric: 'loss', mode: 'max' }))).toEqual(['a', 'd', 'c', 'b']);
  });

  it('sorts by start time and breaks metric ties with the newest run', () => {
    const runs = [run('old', { loss: 1, start_time: 1 }), run('new', { loss: 1, start_time: 5 }), run('mid', { start_time: 3 })];
    const ids = (rs: { run_id: string }[]) => rs.map(r => r.run_id);
    expect(ids(sortRuns(runs, { by: 'newest', metric: null, mode: 'min' }))).toEqual(['new', 'mid', 'old']);
    expect(ids(sortRuns(runs, { by: 'oldest', metric: null, mode: 'min' }))).toEqual(['old', 'mid', 'new']);
    expect(ids(sortRuns(runs, { by: 'metric', metric: 'loss', mode: 'min' }))).toEqual(['new', 'old', 'mid']);
  });
});

describe('filtering', () => {
  it('writes param conditions in the server filter syntax, quoting strings', () => {
    expect(
      buildFilter([
        { key: 'lr', op: '<', value: '0.01' },
        { key: 'optimizer', op: '=', value: "adam's" },
        { key: 'layer size', op: '>=', value: '1e3' },
        { key: 'use_bn', op: '=', value: 'True' }
      ])
    ).toBe("params.lr < 0.01 and params.optimizer = 'adam\\'s' and params.`layer size` >= 1e3 and params.use_bn = true");
  });

  it('adds free text and skips conditions without a key', () => {
    expect(buildFilter([{ key: ' ', op: '=', value: 'x' }], " tags.model = 'cnn' ")).toBe("tags.model = 'cnn'");
    expect(buildFilter([{ key: 'seed', op: '!=', value: '3' }], 'status = finished')).toBe('params.seed != 3 and status = finished');
    expect(buildFilter([])).toBe('');
  });
});

describe('grouping', () => {
  const runs = [
    run('a', { loss: 0.5, params: { lr: 0.1, opt: 'sgd' } }),
    run('b', { loss: 0.3, params: { lr: 0.1, opt: 'sgd' } }),
    run('c', { loss: 0.2, params: { lr: 0.01, opt: 'sgd' } }),
    run('d', { params: { opt: 'sgd' } })
  ];

  it('groups runs by param values with the best and mean of each group, best group first', () => {
    const groups = groupRuns(runs, ['lr'], 'loss', 'min');
    expect(groups.map(g => g.label)).toEqual(['lr=0.01', 'lr=0.1', 'lr=—']);
    expect(groups[1].runs.map(r => r.run_id)).toEqual(['a', 'b']);
    expect(groups[1].best).toBe(0.3);
    expect(groups[1].mean).toBeCloseTo(0.4);
    expect(groups[2].best).toBeNull();
  });

  it('groups by several params and ranks by max when asked', () => {
    const groups = groupRuns(runs, ['opt', 'lr'], 'loss', 'max');
    expect(groups.map(g => g.label)).toEqual(['opt=sgd, lr=0.1', 'opt=sgd, lr=0.01', 'opt=sgd, lr=—']);
    expect(groups[0].best).toBe(0.5);
  });
});

describe('status badges', () => {
  it('maps each run status to its badge', () => {
    expect(statusBadge('running').tone).toBe('running');
    expect(statusBadge('FINISHED').label).toBe('finished');
    expect(statusBadge('failed').tone).toBe('failed');
    expect(statusBadge('crashed').tone).toBe('crashed');
    expect(statusBadge('killed')).toMatchObject({ label: 'killed', tone: 'crashed' });
  });

  it('keeps unknown statuses readable', () => {
    expect(statusBadge('scheduled')).toMatchObject({ label: 'scheduled', tone: 'other' });
    expect(statusBadge(null)).toMatchObject({ label: 'unknown', tone: 'other' });
  });

  it('knows when some run still trains', () => {
    expect(anyRunning([{ status: 'finished' }, { status: 'running' }])).toBe(true);
    expect(anyRunning([{ status: 'finished' }, { status: 'failed' }])).toBe(false);
    expect(anyRunning([])).toBe(false);
  });
});
