// The panel's controls (buttons, selects, code), built with the shared element builder `h`.

import { h } from '../../shared/dom.js';

export { h };

/** A real <button> (keyboard reachable) running `action` on click. */
export function button(
  label: string,
  action: (event: MouseEvent) => void,
  opts: { title?: string; className?: string; disabled?: boolean; accent?: boolean } = {}
): HTMLButtonElement {
  const classes = ['jp-mlm-button', opts.accent ? 'jp-mlm-button-accent' : '', opts.className ?? ''].filter(Boolean).join(' ');
  const el = h('button', { className: classes, text: label, title: opts.title, attrs: { type: 'button' } });
  el.disabled = !!opts.disabled;
  el.addEventListener('click', action);
  return el;
}

/** A <select> of `[value, label]` options. */
export function select(
  options: ReadonlyArray<readonly [string, string]>,
  value: string,
  onChange: (value: string) => void,
  label: string
): HTMLSelectElement {
  const el = h('select', { className: 'jp-mlm-select', title: label, attrs: { 'aria-label': label } });
  for (const [v, text] of options) {
    const option = h('option', { text, attrs: { value: v } });
    option.selected = v === value;
    el.append(option);
  }
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** Give a <select> these `[value, label]` options (rebuilt only when they change) and this value. */
export function setOptions(el: HTMLSelectElement, options: ReadonlyArray<readonly [string, string]>, value: string): void {
  const wanted = options.map(o => o.join('\u0000')).join('\u0001');
  if (el.dataset.options !== wanted) {
    el.replaceChildren(...options.map(([v, text]) => h('option', { text, attrs: { value: v } })));
    el.dataset.options = wanted;
  }
  el.value = value;
}

/** Inline code, for the commands empty states tell the user to run. */
export function code(text: string): HTMLElement {
  return h('code', { className: 'jp-mlm-code', text });
}

export function clear(el: HTMLElement): void {
  el.replaceChildren();
}
