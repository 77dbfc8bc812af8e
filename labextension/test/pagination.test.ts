import { describe, expect, it } from 'vitest';
import type { PageResult } from '../src/panel/api/types.js';
import { PagedList, appendPage, replaceHead } from '../src/panel/model/pagination.js';

type Item = { id: string; v: number };
const item = (id: string, v = 0): Item => ({ id, v });
const idOf = (x: Item) => x.id;

/** A server list of `n` items answering limit/offset like the API. */
function serverList(n: number) {
  const all = Array.from({ length: n }, (_, i) => item(`i${i}`, i));
  const calls: Array<[number, number]> = [];
  const fetch = async (offset: number, limit: number): Promise<PageResult<Item>> => {
    calls.push([offset, limit]);
    const items = all.slice(offset, offset + limit);
    const next = offset + items.length;
    return { items, total: all.length, nextOffset: next < all.length ? next : null };
  };
  return { all, calls, fetch };
}

describe('merging pages', () => {
  it('appends new items and updates ones already loaded in place', () => {
    const merged = appendPage([item('a'), item('b')], [item('b', 9), item('c')], idOf);
    expect(merged).toEqual([item('a'), item('b', 9), item('c')]);
  });

  it('replaces the head after a refresh and drops items that moved into it', () => {
    const merged = replaceHead([item('a'), item('b'), item('c'), item('d')], [item('x'), item('a'), item('c')], idOf);
    expect(merged.map(idOf)).toEqual(['x', 'a', 'c', 'd']);
  });
});

describe('PagedList', () => {
  it('loads page by page until the server says there is no next page', async () => {
    const server = serverList(450);
    const list = new PagedList(server.fetch, idOf, 200);
    await list.reset();
    expect(list.snapshot.items).toHaveLength(200);
    expect(list.snapshot.total).toBe(450);
    await list.loadMore();
    await list.loadMore();
    expect(list.snapshot.items).toHaveLength(450);
    expect(list.hasMore).toBe(false);
    await list.loadMore(); // nothing left: no request
    expect(server.calls).toEqual([
      [0, 200],
      [200, 200],
      [400, 200]
    ]);
  });

  it('sends one request at a time however often it is asked', async () => {
    const server = serverList(1000);
    const list = new PagedList(server.fetch, idOf, 100);
    await Promise.all([list.loadMore(), list.loadMore(), list.loadMore()]);
    expect(server.calls).toHaveLength(1);
  });

  it('drops the answer of a request made before a reset', async () => {
    let release: (page: PageResult<Item>) => void = () => undefined;
    const slow = () => new Promise<PageResult<Item>>(resolve => (release = resolve));
    const list = new PagedList<Item>(slow, idOf, 10);
    const pending = list.loadMore();
    const fresh = serverList(3);
    await list.reset(fresh.fetch); // the user switched notebooks
    release({ items: [item('stale')], total: 1, nextOffset: null });
    await pending;
    expect(list.snapshot.items.map(idOf)).toEqual(['i0', 'i1', 'i2']);
  });

  it('keeps the loaded items and reports the error when a page fails', async () => {
    const server = serverList(300);
    let fail = false;
    const list = new PagedList<Item>((o, l) => (fail ? Promise.reject(new Error('boom')) : server.fetch(o, l)), idOf, 100);
    await list.loadMore();
    fail = true;
    await list.loadMore();
    expect(list.snapshot.items).toHaveLength(100);
    expect((list.snapshot.error as Error).message).toBe('boom');
    fail = false;
    await list.loadMore(); // retry from the same offset
    expect(list.snapshot.items).toHaveLength(200);
    expect(list.snapshot.error).toBeNull();
  });

  it('refreshes what is loaded in one request', async () => {
    const server = serverList(500);
    const list = new PagedList(server.fetch, idOf, 100);
    await list.loadMore();
    await list.loadMore();
    server.all[0].v = 42; // a running run logged a new value
    await list.refresh();
    expect(server.calls.at(-1)).toEqual([0, 200]);
    expect(list.snapshot.items).toHaveLength(200);
    expect(list.snapshot.items[0].v).toBe(42);
    expect(list.snapshot.nextOffset).toBe(200);
  });

  it('reports every change to its listener', async () => {
    const seen: boolean[] = [];
    const server = serverList(5);
    const list = new PagedList(server.fetch, idOf, 10, s => seen.push(s.loading));
    await list.loadMore();
    expect(seen).toEqual([true, false]);
  });
});
