// A windowed list: only the rows in view are in the DOM, so 10,000 rows paint as fast as 30.
// One tab stop; arrows, Page Up/Down, Home and End move the active row; Enter and Space act on it.

import { moveActive, nearEnd, scrollToIndex, visibleRange } from '../model/windowing.js';
import { h } from './dom.js';

export interface VirtualListOptions<T> {
  rowHeight: number;
  label: string;
  multiselect?: boolean;
  renderRow(item: T, index: number): HTMLElement;
  isSelected?(item: T): boolean;
  /** click or Enter */
  onActivate?(item: T, index: number): void;
  /** Space (defaults to onActivate) */
  onToggle?(item: T, index: number): void;
  /** the rows in view come near the end of the loaded items */
  onNearEnd?(): void;
}

let nextListId = 0;

export class VirtualList<T> {
  readonly node: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;
  private readonly id = `jp-mlm-vlist-${nextListId++}`;
  private items: readonly T[] = [];
  private active = -1;
  private frame = 0;
  private readonly resizeObserver: ResizeObserver | null;

  constructor(private readonly opts: VirtualListOptions<T>) {
    this.rows = h('div', { className: 'jp-mlm-vlist-rows' });
    this.spacer = h('div', { className: 'jp-mlm-vlist-spacer' }, this.rows);
    this.node = h(
      'div',
      {
        className: 'jp-mlm-vlist',
        attrs: {
          role: 'listbox',
          tabindex: 0,
          'aria-label': opts.label,
          'aria-multiselectable': opts.multiselect ? 'true' : null
        }
      },
      this.spacer
    );
    this.node.addEventListener('scroll', () => this.schedule());
    this.node.addEventListener('keydown', event => this.onKey(event));
    this.node.addEventListener('focus', () => {
      if (this.active < 0 && this.items.length) {
        // mark, don't re-render: replacing the rows under a pressed mouse would eat the click
        this.active = Math.min(this.items.length - 1, Math.floor(this.node.scrollTop / this.opts.rowHeight));
        this.paintActive();
      }
    });
    this.resizeObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.schedule());
    this.resizeObserver?.observe(this.node);
  }

  get activeIndex(): number {
    return this.active;
  }

  setItems(items: readonly T[]): void {
    this.items = items;
    if (this.active >= items.length) {
      this.active = items.length - 1;
    }
    this.render();
  }

  /** Re-render the rows in view (e.g. after the selection changed). */
  refresh(): void {
    this.render();
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.resizeObserver?.disconnect();
  }

  private schedule(): void {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  private render(): void {
    const { rowHeight } = this.opts;
    const range = visibleRange({
      scrollTop: this.node.scrollTop,
      viewportHeight: this.node.clientHeight || rowHeight * 20,
      rowHeight,
      count: this.items.length
    });
    this.spacer.style.height = `${range.totalHeight}px`;
    this.rows.style.transform = `translateY(${range.offsetTop}px)`;
    const rows: HTMLElement[] = [];
    for (let i = range.start; i < range.end; i++) {
      rows.push(this.row(this.items[i], i));
    }
    this.rows.replaceChildren(...rows);
    this.paintActive();
    if (this.opts.onNearEnd && this.items.length && nearEnd(range.end, this.items.length)) {
      this.opts.onNearEnd();
    }
  }

  /** Mark the active row (class and aria-activedescendant) among the rendered ones. */
  private paintActive(): void {
    const id = `${this.id}-${this.active}`;
    let rendered = false;
    for (const row of Array.from(this.rows.children)) {
      const active = row.id === id;
      row.classList.toggle('jp-mlm-active', active);
      rendered = rendered || active;
    }
    if (rendered) {
      this.node.setAttribute('aria-activedescendant', id);
    } else {
      this.node.removeAttribute('aria-activedescendant');
    }
  }

  private row(item: T, index: number): HTMLElement {
    const selected = this.opts.isSelected?.(item) ?? false;
    const el = h(
      'div',
      {
        className: `jp-mlm-vlist-row${selected ? ' jp-mlm-selected' : ''}`,
        attrs: {
          role: 'option',
          id: `${this.id}-${index}`,
          'aria-selected': String(selected),
          'aria-posinset': index + 1,
          'aria-setsize': this.items.length
        }
      },
      this.opts.renderRow(item, index)
    );
    el.style.height = `${this.opts.rowHeight}px`;
    el.addEventListener('click', event => {
      // controls inside the row (checkboxes, links) handle their own clicks
      const target = event.target as HTMLElement;
      if (target.closest('input, button, a, select')) {
        this.active = index;
        return;
      }
      this.setActive(index);
      this.opts.onActivate?.(item, index);
    });
    return el;
  }

  private setActive(index: number): void {
    this.active = index;
    const top = scrollToIndex(index, this.node.scrollTop, this.node.clientHeight, this.opts.rowHeight);
    if (top !== this.node.scrollTop) {
      this.node.scrollTop = top;
    }
    this.render();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.target !== this.node) {
      return;
    }
    const pageRows = Math.max(1, Math.floor(this.node.clientHeight / this.opts.rowHeight) - 1);
    const next = moveActive(this.active, event.key, this.items.length, pageRows);
    if (next !== null) {
      event.preventDefault();
      this.setActive(next);
      return;
    }
    const item = this.items[this.active];
    if (item === undefined) {
      return;
    }
    if (event.key === 'Enter') {
      event.preventDefault();
      this.opts.onActivate?.(item, this.active);
    } else if (event.key === ' ') {
      event.preventDefault();
      (this.opts.onToggle ?? this.opts.onActivate)?.(item, this.active);
    }
  }
}
