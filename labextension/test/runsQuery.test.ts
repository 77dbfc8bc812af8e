import { describe, expect, it } from 'vitest';
import { RunsQuery } from '../src/panel/model/runsQuery.js';
import { run } from './fixtures.js';

describe('runs query parameters', () => {
  it('asks for nothing until a notebook is in focus or an experiment is chosen', () => {
    const query = new RunsQuery();
    expect(query.hasSource).toBe(false);
    expect(query.params()).toBeNull();
    expect(query.setNotebook('nb.ipynb')).toBe('reload');
    expect(query.setNotebook('nb.ipynb')).toBe('none');
    expect(query.params()).toEqual({ notebook: 'nb.ipynb', experiment: undefined, filter: undefined, orderBy: 'start_time DESC' });
  });

  it('lists an experiment instead of the notebook once one is chosen', () => {
    const query = new RunsQuery();
    query.setNotebook('nb.ipynb');
    expect(query.setScope('mnist')).toBe('reload');
    expect(query.params()).toMatchObject({ notebook: undefined, experiment: 'mnist' });
    query.setNotebook(null);
    expect(query.hasSource).toBe(true);
    query.setScope('');
    expect(query.params()).toBeNull();
  });

  it('joins the param conditions and the filter text into one filter', () => {
    const query = new RunsQuery();
    query.setNotebook('nb.ipynb');
    expect(query.filtered).toBe(false);
    expect(query.addCondition({ key: '', op: '=', value: '1' })).toBe('none');
    expect(query.addCondition({ key: 'lr', op: '<', value: '0.01' })).toBe('reload');
    expect(query.addCondition({ key: 'opt', op: '=', value: 'adam' })).toBe('reload');
    expect(query.setFilterText("  tags.model = 'cnn' ")).toBe('reload');
    expect(query.setFilterText("tags.model = 'cnn'")).toBe('none');
    expect(query.filtered).toBe(true);
    expect(query.params()?.filter).toBe("params.lr < 0.01 and params.opt = 'adam' and tags.model = 'cnn'");
    query.removeCondition(0);
    query.setFilterText('');
    expect(query.conditions).toEqual([{ key: 'opt', op: '=', value: 'adam' }]);
    expect(query.params()?.filter).toBe("params.opt = 'adam'");
  });

  it('orders best first by a metric, in the direction its name suggests', () => {
    const query = new RunsQuery();
    query.setNotebook('nb.ipynb');
    expect(query.setMetric('val_loss')).toBe('reload');
    expect(query.sort).toEqual({ by: 'metric', metric: 'val_loss', mode: 'min' });
    expect(query.params()?.orderBy).toBe('metrics.val_loss ASC');
    expect(query.setMode('max')).toBe('reload');
    expect(query.params()?.orderBy).toBe('metrics.val_loss DESC');
    expect(query.setSort('name')).toBe('reload');
    expect(query.setMode('min')).toBe('render'); // only the groups' best values change
    expect(query.params()?.orderBy).toBe('name ASC');
    query.setSort('metric');
    query.setMetric('');
    expect(query.sort).toEqual({ by: 'newest', metric: null, mode: 'min' });
  });

  it('shows the most common metric without reordering, and keeps a chosen one among the choices', () => {
    const query = new RunsQuery();
    query.adoptMetric([]);
    expect(query.sort.metric).toBeNull();
    query.adoptMetric(['acc', 'loss']);
    expect(query.sort).toEqual({ by: 'newest', metric: 'acc', mode: 'max' });
    query.adoptMetric(['loss']);
    expect(query.sort.metric).toBe('acc');
    expect(query.metricChoices(['loss'])).toEqual(['acc', 'loss']);
    expect(query.metricChoices(['loss', 'acc'])).toEqual(['loss', 'acc']);
  });
});

describe('runs list rows', () => {
  const runs = [run('a', { loss: 2, params: { opt: 'sgd' } }), run('b', { loss: 1, params: { opt: 'adam' } }), run('c', { loss: 3 })];

  it('lists the runs as they are without grouping', () => {
    expect(new RunsQuery().rows(runs).map(r => (r.kind === 'run' ? r.run.run_id : r.group.label))).toEqual(['a', 'b', 'c']);
  });

  it('puts each group header before its runs, best group first', () => {
    const query = new RunsQuery();
    query.setMetric('loss');
    expect(query.setGroup('opt')).toBe('render');
    const rows = query.rows(runs).map(r => (r.kind === 'run' ? r.run.run_id : r.group.label));
    expect(rows).toEqual(['opt=adam', 'b', 'opt=sgd', 'a', 'opt=—', 'c']);
  });
});

describe('runs selection', () => {
  it('ticks and unticks runs, in the order ticked', () => {
    const query = new RunsQuery();
    query.toggle(run('b'));
    query.toggle(run('a'));
    query.toggle(run('c'));
    query.toggle(run('c'));
    expect(query.selectedCount).toBe(2);
    expect([...query.selectedIds()]).toEqual(['b', 'a']);
    expect(query.isSelected('a')).toBe(true);
    expect(query.isSelected('c')).toBe(false);
    query.clearSelection();
    expect(query.selectedCount).toBe(0);
  });

  it('gives the loaded data of ticked runs, and remembers runs no longer loaded', () => {
    const query = new RunsQuery();
    query.toggle(run('a', { loss: 1 }));
    query.toggle(run('b', { name: 'old name' }));
    const loaded = [run('a', { loss: 0.5 })];
    expect(query.selection(loaded).map(r => r.metrics.loss?.last)).toEqual([0.5, undefined]);
    expect(query.runName('b', loaded)).toBe('old name');
    expect(query.runName('a', loaded)).toBe('a');
    expect(query.runName('z', loaded)).toBeNull();
  });
});
