// Query strings of the API: empty values are left out so the server applies its defaults.

export type QueryValue = string | number | boolean | null | undefined;

/** `{a: 1, b: undefined, c: 'x y'}` → `"?a=1&c=x%20y"` ("" when nothing is left). */
export function buildQuery(params: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') {
      continue;
    }
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** One path segment (an id), escaped. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
