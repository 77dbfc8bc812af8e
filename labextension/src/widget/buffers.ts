// Binary buffers from the kernel (anywidget hands them over as DataViews) as float64 arrays.

/** The float64 values of a buffer (a copy, aligned); empty for none. */
export function float64(data: ArrayBuffer | ArrayBufferView | null | undefined): Float64Array {
  if (!data) {
    return new Float64Array(0);
  }
  if (data instanceof Float64Array) {
    return data;
  }
  const view = ArrayBuffer.isView(data) ? data : new DataView(data);
  return new Float64Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/** A curve: `n` x values at `offset` (in float64s) into the buffer, then its `n` y values. */
export interface CurveSeries {
  run: string;
  metric: string;
  offset: number;
  n: number;
}

/** Rows {m, r, x, y} of every curve in the buffer; `r`: the run's label. */
export function curvePoints(
  series: readonly CurveSeries[],
  data: ArrayBuffer | ArrayBufferView | null | undefined,
  labels: Record<string, string>
): Array<{ m: string; r: string; x: number; y: number }> {
  const arr = float64(data);
  const out = [];
  for (const s of series) {
    for (let i = 0; i < s.n; i++) {
      out.push({ m: s.metric, r: labels[s.run], x: arr[s.offset + i], y: arr[s.offset + s.n + i] });
    }
  }
  return out;
}
