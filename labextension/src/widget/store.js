// Per-model data of the live chart: a bounded, downsampled copy of every series.
// The kernel sends only new points; compacting keeps each series at most 4 x buckets long.

/** Keep the first minimum and maximum of each of `buckets` equal x ranges (in x order). */
export function minmax(xs, ys, buckets) {
  const n = xs.length;
  if (n <= 2 * buckets) return [xs, ys];
  let order = null;
  for (let i = 1; i < n; i++) {
    if (xs[i] < xs[i - 1]) {
      order = Array.from(xs.keys()).sort((a, b) => xs[a] - xs[b] || a - b);
      break;
    }
  }
  const at = order ? (i) => order[i] : (i) => i;
  const x0 = xs[at(0)];
  const width = (xs[at(n - 1)] - x0) / buckets || 1;
  const outX = [];
  const outY = [];
  let bucket = -1;
  let lo = -1;
  let hi = -1;
  const emit = () => {
    if (lo < 0) return;
    const pair = lo === hi ? [lo] : xs[lo] < xs[hi] || (xs[lo] === xs[hi] && lo < hi) ? [lo, hi] : [hi, lo];
    for (const j of pair) {
      outX.push(xs[j]);
      outY.push(ys[j]);
    }
  };
  for (let k = 0; k < n; k++) {
    const i = at(k);
    const b = Math.min(buckets - 1, Math.floor((xs[i] - x0) / width));
    if (b !== bucket) {
      emit();
      bucket = b;
      lo = hi = i;
    } else {
      if (ys[i] < ys[lo]) lo = i;
      if (ys[i] > ys[hi]) hi = i;
    }
  }
  emit();
  return [outX, outY];
}

/** Exponential moving average with TensorBoard's debiasing; non-finite values pass through. */
export function ema(ys, weight) {
  if (!(weight > 0)) return ys;
  const out = new Array(ys.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    count += 1;
    out[i] = last / (1 - weight ** count);
  }
  return out;
}

function float64(buffer) {
  if (buffer instanceof Float64Array) return buffer;
  const view = ArrayBuffer.isView(buffer) ? buffer : new DataView(buffer);
  const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  return new Float64Array(bytes);
}

export class SeriesStore {
  constructor(buckets = 640) {
    this.buckets = buckets;
    this.series = new Map(); // id -> {x: number[], y: number[]}
    this.listeners = new Set();
  }

  /** Apply a kernel message: {type: "append" | "reset", ids} with buffers [x0, y0, x1, y1, ...]. */
  receive(msg, buffers) {
    if (!msg || (msg.type !== "append" && msg.type !== "reset")) return;
    if (msg.buckets) this.buckets = msg.buckets;
    if (msg.type === "reset") this.series.clear();
    msg.ids.forEach((id, i) => this.append(id, float64(buffers[2 * i]), float64(buffers[2 * i + 1])));
    this.listeners.forEach((fn) => fn());
  }

  append(id, xs, ys) {
    let s = this.series.get(id);
    if (!s) {
      s = { x: [], y: [] };
      this.series.set(id, s);
    }
    for (let i = 0; i < xs.length; i++) {
      s.x.push(xs[i]);
      s.y.push(ys[i]);
    }
    if (s.x.length > 4 * this.buckets) [s.x, s.y] = minmax(s.x, s.y, this.buckets);
  }

  size() {
    let n = 0;
    this.series.forEach((s) => (n += s.x.length));
    return n;
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
