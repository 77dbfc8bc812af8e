// Min/max downsampling and smoothing of metric series, in the browser.

/** Keep the first minimum and maximum of each of `buckets` equal x ranges (in x order). */
export function minmax(xs: number[], ys: number[], buckets: number): [number[], number[]] {
  const n = xs.length;
  if (n <= 2 * buckets) {
    return [xs, ys];
  }
  let order: number[] | null = null;
  for (let i = 1; i < n; i++) {
    if (xs[i] < xs[i - 1]) {
      order = Array.from(xs.keys()).sort((a, b) => xs[a] - xs[b] || a - b);
      break;
    }
  }
  const sorted = order;
  const at = sorted ? (i: number) => sorted[i] : (i: number) => i;
  const x0 = xs[at(0)];
  const width = (xs[at(n - 1)] - x0) / buckets || 1;
  const outX: number[] = [];
  const outY: number[] = [];
  let bucket = -1;
  let lo = -1;
  let hi = -1;
  const emit = () => {
    if (lo < 0) {
      return;
    }
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
      if (ys[i] < ys[lo]) {
        lo = i;
      }
      if (ys[i] > ys[hi]) {
        hi = i;
      }
    }
  }
  emit();
  return [outX, outY];
}

/** Exponential moving average with TensorBoard's debiasing; non-finite values pass through. */
export function ema(ys: number[], weight: number): number[] {
  if (!(weight > 0)) {
    return ys;
  }
  const out: number[] = new Array(ys.length);
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
