// Lists read page by page (limit/offset): merging pages, refreshing what is loaded, and
// dropping answers that arrive after the list was reset for another notebook.

import type { PageResult } from '../api/types.js';

export type IdOf<T> = (item: T) => string;

/** Items of a new page appended after the loaded ones; items already loaded (the list shifted
 * under us while paging) keep their place and take the new data. */
export function appendPage<T>(loaded: readonly T[], items: readonly T[], idOf: IdOf<T>): T[] {
  const out = [...loaded];
  const index = new Map(out.map((item, i) => [idOf(item), i]));
  for (const item of items) {
    const at = index.get(idOf(item));
    if (at === undefined) {
      index.set(idOf(item), out.length);
      out.push(item);
    } else {
      out[at] = item;
    }
  }
  return out;
}

/** A fresh copy of the first `head.length` items (a refresh) in front of the rest, minus
 * the rest's items that the refresh now holds. */
export function replaceHead<T>(loaded: readonly T[], head: readonly T[], idOf: IdOf<T>): T[] {
  const ids = new Set(head.map(idOf));
  return [...head, ...loaded.slice(head.length).filter(item => !ids.has(idOf(item)))];
}

export interface PagedSnapshot<T> {
  items: T[];
  total: number;
  /** null when every page is loaded */
  nextOffset: number | null;
  loading: boolean;
  error: unknown;
}

export type FetchPage<T> = (offset: number, limit: number) => Promise<PageResult<T>>;

/** The pages of one list loaded so far; `fetch` is replaced on `reset` (new notebook, new order). */
export class PagedList<T> {
  private state: PagedSnapshot<T> = { items: [], total: 0, nextOffset: 0, loading: false, error: null };
  private generation = 0;

  constructor(
    private fetch: FetchPage<T>,
    private readonly idOf: IdOf<T>,
    readonly pageSize = 200,
    private readonly onChange: (s: PagedSnapshot<T>) => void = () => undefined
  ) {}

  get snapshot(): PagedSnapshot<T> {
    return this.state;
  }

  get hasMore(): boolean {
    return this.state.nextOffset !== null;
  }

  /** Forget everything loaded (answers of requests in flight are dropped) and load page one. */
  reset(fetch: FetchPage<T> = this.fetch): Promise<void> {
    this.fetch = fetch;
    this.generation += 1;
    this.update({ items: [], total: 0, nextOffset: 0, loading: false, error: null });
    return this.loadMore();
  }

  /** Forget everything loaded (answers of requests in flight are dropped); load nothing. */
  clear(): void {
    this.generation += 1;
    this.update({ items: [], total: 0, nextOffset: null, loading: false, error: null });
  }

  /** Load the next page unless one is loading or all are loaded. */
  async loadMore(): Promise<void> {
    const { nextOffset, loading } = this.state;
    if (loading || nextOffset === null) {
      return;
    }
    const generation = this.generation;
    this.update({ ...this.state, loading: true, error: null });
    try {
      const page = await this.fetch(nextOffset, this.pageSize);
      if (generation !== this.generation) {
        return;
      }
      this.update({
        items: appendPage(this.state.items, page.items, this.idOf),
        total: page.total,
        nextOffset: page.items.length === 0 ? null : page.nextOffset,
        loading: false,
        error: null
      });
    } catch (error) {
      if (generation === this.generation) {
        this.update({ ...this.state, loading: false, error });
      }
    }
  }

  /** Reload the pages loaded so far (at most `maxItems` of them) in one request, in place. */
  async refresh(maxItems = 1000): Promise<void> {
    if (this.state.loading) {
      return;
    }
    const generation = this.generation;
    const limit = Math.min(Math.max(this.state.items.length, this.pageSize), maxItems);
    try {
      const page = await this.fetch(0, limit);
      if (generation !== this.generation || this.state.loading) {
        return;
      }
      let items: T[];
      let nextOffset: number | null;
      if (page.nextOffset === null) {
        items = [...page.items]; // the whole list fits: anything else loaded is gone
        nextOffset = null;
      } else if (this.state.items.length <= limit) {
        items = [...page.items];
        nextOffset = page.nextOffset;
      } else {
        items = replaceHead(this.state.items, page.items, this.idOf);
        nextOffset = this.state.nextOffset;
      }
      this.update({ items, total: page.total, nextOffset, loading: false, error: null });
    } catch (error) {
      if (generation === this.generation) {
        this.update({ ...this.state, error });
      }
    }
  }

  private update(state: PagedSnapshot<T>): void {
    this.state = state;
    this.onChange(state);
  }
}
