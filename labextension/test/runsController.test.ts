import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Experiment, PageResult, Run, RunQuery } from '../src/panel/api/types.js';
import { RunsQuery } from '../src/panel/model/runsQuery.js';
import { LIVE_REFRESH_MS, RunsController, type RunsRenderer } from '../src/panel/ui/runsController.js';
import type { RunsListData } from '../src/panel/ui/runsList.js';
import type { RunsControlsData } from '../src/panel/ui/runsToolbar.js';
import { run } from './fixtures.js';

type Pending = { query: RunQuery; offset: number; limit: number; resolve: (page: PageResult<Run>) => void };

/** A client whose runs requests wait until the test answers them. */
function fakeClient(experiments: Experiment[] = []) {
  const pending: Pending[] = [];
  const client = {
    runs: (query: RunQuery, offset: number, limit: number) =>
      new Promise<PageResult<Run>>(resolve => pending.push({ query, offset, limit, resolve })),
    experiments: vi.fn(async () => experiments)
  };
  return { client, pending };
}

function setUp(visible = true) {
  const { client, pending } = fakeClient([{ name: 'mnist', run_count: 3 } as Experiment]);
  const query = new RunsQuery();
  const host = { visible, isVisible: () => host.visible, invalidate: vi.fn() };
  const drawn = { controls: [] as RunsControlsData[], body: [] as RunsListData[], selection: [] as Array<ReadonlySet<string>> };
  const views: RunsRenderer = {
    controls: d => drawn.controls.push(d),
    body: d => drawn.body.push(d),
    selection: s => drawn.selection.push(s)
  };
  const selectionChanged = vi.fn();
  const controller = new RunsController(client, query, host, views, selectionChanged);
  return { controller, query, host, drawn, pending, client, selectionChanged };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('RunsController', () => {
  it('draws the empty state and asks for no runs without a notebook or experiment', async () => {
    const t = setUp();
    t.controller.load();
    await flush();
    expect(t.pending).toHaveLength(0);
    expect(t.drawn.body.at(-1)?.hasSource).toBe(false);
    expect(t.drawn.controls.at(-1)?.experiments.map(e => e.name)).toEqual(['mnist']);
  });

  it('reads page one of the query and draws the runs with the most common metric', async () => {
    const t = setUp();
    t.query.setNotebook('nb.ipynb');
    t.controller.load();
    expect(t.pending[0]).toMatchObject({ query: { notebook: 'nb.ipynb', orderBy: 'start_time DESC' }, offset: 0, limit: 200 });
    expect(t.drawn.body.at(-1)?.snapshot.loading).toBe(true);
    t.pending[0].resolve({ items: [run('a', { loss: 1 }), run('b', { loss: 2 })], total: 5, nextOffset: 2 });
    await flush();
    const body = t.drawn.body.at(-1)!;
    expect(body.rows.map(r => r.kind)).toEqual(['run', 'run']);
    expect(body.metric).toBe('loss');
    expect(t.drawn.controls.at(-1)?.status).toEqual({ loaded: 2, total: 5, failed: false, selected: 0 });
  });

  it('lists nothing, and counts nothing, once no notebook is in focus', async () => {
    const t = setUp();
    t.query.setNotebook('nb.ipynb');
    t.controller.load();
    t.pending[0].resolve({ items: [run('a', { loss: 1 })], total: 1, nextOffset: null });
    await flush();
    t.query.setNotebook(null);
    t.controller.load();
    await flush();
    expect(t.drawn.body.at(-1)?.hasSource).toBe(false);
    expect(t.drawn.body.at(-1)?.snapshot.items).toEqual([]);
    expect(t.drawn.controls.at(-1)?.status).toMatchObject({ loaded: 0, total: 0 });
  });

  it('drops the answer to a query the user has since changed', async () => {
    const t = setUp();
    t.query.setNotebook('nb.ipynb');
    t.controller.load();
    t.controller.apply(t.query.setFilterText('params.lr < 0.1'));
    expect(t.pending[1].query.filter).toBe('params.lr < 0.1');
    t.pending[1].resolve({ items: [run('new')], total: 1, nextOffset: null });
    t.pending[0].resolve({ items: [run('old')], total: 1, nextOffset: null });
    await flush();
    expect(t.drawn.body.at(-1)?.snapshot.items.map(r => r.run_id)).toEqual(['new']);
  });

  it('draws the loaded runs again, without a request, when only the grouping changes', async () => {
    const t = setUp();
    t.query.setNotebook('nb.ipynb');
    t.controller.load();
    t.pending[0].resolve({ items: [run('a', { params: { opt: 'adam' } })], total: 1, nextOffset: null });
    await flush();
    t.controller.apply(t.query.setGroup('opt'));
    expect(t.pending).toHaveLength(1);
    expect(t.drawn.body.at(-1)?.rows.map(r => r.kind)).toEqual(['group', 'run']);
  });

  it('re-reads the runs in place every few seconds while one is running, when shown', async () => {
    const t = setUp();
    t.query.setNotebook('nb.ipynb');
    t.controller.load();
    t.pending[0].resolve({ items: [run('a', { status: 'running' })], total: 1, nextOffset: null });
    await flush();
    await vi.advanceTimersByTimeAsync(LIVE_REFRESH_MS);
    expect(t.pending).toHaveLength(2);
    expect(t.pending[1].offset).toBe(0);
    t.pending[1].resolve({ items: [run('a', { status: 'finished' })], total: 1, nextOffset: null });
    await flush();
    await vi.advanceTimersByTimeAsync(LIVE_REFRESH_MS * 3);
    expect(t.pending).toHaveLength(2); // nothing runs any more
    t.host.visible = false;
    t.controller.refreshNow();
    expect(t.host.invalidate).toHaveBeenCalledTimes(1);
  });

  it('re-reads after the kernel ran a cell, twice once it is idle', async () => {
    const t = setUp();
    t.query.setNotebook('nb.ipynb');
    t.controller.load();
    t.pending[0].resolve({ items: [], total: 0, nextOffset: null });
    await flush();
    t.controller.refreshAfterCell(false);
    t.controller.refreshAfterCell(true); // the busy timer is dropped
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.client.experiments).toHaveBeenCalledTimes(3);
    t.controller.dispose();
  });

  it('shows the latest list of experiments when two answers cross', async () => {
    const t = setUp();
    const answers: Array<(list: Experiment[]) => void> = [];
    t.client.experiments.mockImplementation(() => new Promise<Experiment[]>(resolve => answers.push(resolve)));
    t.controller.load();
    t.controller.load();
    answers[1]([{ name: 'new', run_count: 1 } as Experiment]);
    await flush();
    answers[0]([{ name: 'old', run_count: 1 } as Experiment]);
    await flush();
    expect(t.drawn.controls.at(-1)?.experiments.map(e => e.name)).toEqual(['new']);
  });

  it('tells the views and the panel when the selection changes', () => {
    const t = setUp();
    t.controller.toggle(run('a'));
    t.controller.toggle(run('b'));
    t.controller.clearSelection();
    expect(t.drawn.selection.map(s => [...s])).toEqual([['a'], ['a', 'b'], []]);
    expect(t.selectionChanged).toHaveBeenCalledTimes(3);
    expect(t.controller.selection).toEqual([]);
  });
});
