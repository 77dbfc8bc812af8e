// A small element builder for the panel's views (no framework: Lumino widgets and plain DOM).

type Child = Node | string | null | undefined | false;

export interface Props {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string | number | boolean | null | undefined>;
  dataset?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

/** `h('div', {className: 'x'}, child, 'text')` */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) {
    el.className = props.className;
  }
  if (props.text !== undefined) {
    el.textContent = props.text;
  }
  if (props.title) {
    el.title = props.title;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    el.setAttribute(name, value === true ? '' : String(value));
  }
  Object.assign(el.dataset, props.dataset ?? {});
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    el.addEventListener(type, listener as EventListener);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    el.append(child);
  }
  return el;
}

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

/** Inline code, for the commands empty states tell the user to run. */
export function code(text: string): HTMLElement {
  return h('code', { className: 'jp-mlm-code', text });
}

export function clear(el: HTMLElement): void {
  el.replaceChildren();
}
