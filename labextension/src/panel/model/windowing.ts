// Which rows of a long list to put in the DOM (fixed row height), and keyboard movement.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** extra rows rendered above and below the viewport */
  overscan?: number;
}

export interface WindowRange {
  /** first row rendered */
  start: number;
  /** one past the last row rendered */
  end: number;
  /** where row `start` is placed, in px */
  offsetTop: number;
  /** height of the whole list, in px */
  totalHeight: number;
}

export function visibleRange({ scrollTop, viewportHeight, rowHeight, count, overscan = 6 }: WindowInput): WindowRange {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) {
    return { start: 0, end: 0, offsetTop: 0, totalHeight: Math.max(0, totalHeight) };
  }
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, totalHeight - viewportHeight));
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** The scrollTop that brings row `index` fully into view, moving as little as possible. */
export function scrollToIndex(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) {
    return top;
  }
  if (bottom > scrollTop + viewportHeight) {
    return Math.max(0, bottom - viewportHeight);
  }
  return scrollTop;
}

/** The row a key moves the active row to (ArrowUp/Down, PageUp/Down, Home, End); null for other keys. */
export function moveActive(index: number, key: string, count: number, pageRows: number): number | null {
  if (count === 0) {
    return null;
  }
  const clamp = (i: number) => Math.min(count - 1, Math.max(0, i));
  const from = index < 0 ? -1 : index;
  switch (key) {
    case 'ArrowDown':
      return clamp(from + 1);
    case 'ArrowUp':
      return clamp(from < 0 ? 0 : from - 1);
    case 'PageDown':
      return clamp(from + Math.max(1, pageRows));
    case 'PageUp':
      return clamp(from - Math.max(1, pageRows));
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** True when the rows shown reach within `threshold` rows of the end of what is loaded. */
export function nearEnd(end: number, loaded: number, threshold = 20): boolean {
  return end >= loaded - threshold;
}
