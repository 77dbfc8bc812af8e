// Per-model data of the live chart: a bounded, downsampled copy of every series.
// The kernel sends only new points; compacting keeps each series at most 4 x buckets long.

import { minmax } from '../shared/downsample.js';
import { float64 } from './buffers.js';

/** A message of the kernel: the new points of series `ids` ("append"), or all of them ("reset"). */
export interface SeriesMessage {
  type: 'append' | 'reset';
  ids: string[];
  buckets?: number;
}

export class SeriesStore {
  /** id -> the points kept of the series */
  readonly series = new Map<string, { x: number[]; y: number[] }>();
  /** how many connections feed this store from the kernel */
  feeds = 0;
  private readonly listeners = new Set<() => void>();

  constructor(public buckets = 640) {}

  /** Apply a kernel message, with buffers [x0, y0, x1, y1, ...]; other messages are ignored. */
  receive(msg: unknown, buffers: ReadonlyArray<ArrayBuffer | ArrayBufferView>): void {
    const m = msg as SeriesMessage | null | undefined;
    if (!m || (m.type !== 'append' && m.type !== 'reset')) {
      return;
    }
    if (m.buckets) {
      this.buckets = m.buckets;
    }
    if (m.type === 'reset') {
      this.series.clear();
    }
    m.ids.forEach((id, i) => this.append(id, float64(buffers[2 * i]), float64(buffers[2 * i + 1])));
    this.listeners.forEach(fn => fn());
  }

  append(id: string, xs: ArrayLike<number>, ys: ArrayLike<number>): void {
    let s = this.series.get(id);
    if (!s) {
      s = { x: [], y: [] };
      this.series.set(id, s);
    }
    for (let i = 0; i < xs.length; i++) {
      s.x.push(xs[i]);
      s.y.push(ys[i]);
    }
    if (s.x.length > 4 * this.buckets) {
      [s.x, s.y] = minmax(s.x, s.y, this.buckets);
    }
  }

  size(): number {
    let n = 0;
    this.series.forEach(s => (n += s.x.length));
    return n;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
