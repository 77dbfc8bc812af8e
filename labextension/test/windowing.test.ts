import { describe, expect, it } from 'vitest';
import { moveActive, nearEnd, scrollToIndex, visibleRange } from '../src/panel/model/windowing.js';

describe('visible range', () => {
  it('renders only the rows in view plus the overscan', () => {
    const r = visibleRange({ scrollTop: 0, viewportHeight: 300, rowHeight: 30, count: 10_000, overscan: 5 });
    expect(r).toEqual({ start: 0, end: 16, offsetTop: 0, totalHeight: 300_000 });
  });

  it('follows the scroll position', () => {
    const r = visibleRange({ scrollTop: 3000, viewportHeight: 300, rowHeight: 30, count: 10_000, overscan: 5 });
    expect(r.start).toBe(95);
    expect(r.end).toBe(116);
    expect(r.offsetTop).toBe(95 * 30);
  });

  it('stays within the list at the end and when empty', () => {
    const r = visibleRange({ scrollTop: 1e9, viewportHeight: 300, rowHeight: 30, count: 100, overscan: 2 });
    expect(r.end).toBe(100);
    expect(r.start).toBe(88);
    expect(visibleRange({ scrollTop: 0, viewportHeight: 300, rowHeight: 30, count: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0
    });
  });
});

describe('keyboard and scrolling', () => {
  it('moves the active row with arrows, pages, Home and End, within the list', () => {
    expect(moveActive(-1, 'ArrowDown', 50, 10)).toBe(0);
    expect(moveActive(0, 'ArrowUp', 50, 10)).toBe(0);
    expect(moveActive(5, 'PageDown', 50, 10)).toBe(15);
    expect(moveActive(45, 'PageDown', 50, 10)).toBe(49);
    expect(moveActive(5, 'PageUp', 50, 10)).toBe(0);
    expect(moveActive(5, 'End', 50, 10)).toBe(49);
    expect(moveActive(5, 'Home', 50, 10)).toBe(0);
    expect(moveActive(5, 'x', 50, 10)).toBeNull();
    expect(moveActive(0, 'ArrowDown', 0, 10)).toBeNull();
  });

  it('scrolls as little as needed to show a row', () => {
    expect(scrollToIndex(2, 0, 300, 30)).toBe(0); // already visible
    expect(scrollToIndex(20, 0, 300, 30)).toBe(21 * 30 - 300);
    expect(scrollToIndex(1, 200, 300, 30)).toBe(30);
  });

  it('asks for the next page near the end of what is loaded', () => {
    expect(nearEnd(185, 200, 20)).toBe(true);
    expect(nearEnd(100, 200, 20)).toBe(false);
  });
});
