// The panel's messages: errors (never swallowed), empty states, loading lines.

import { describeError } from '../api/errors.js';
import { button, h } from './dom.js';

/** A readable error with a Retry button; the full text is selectable for bug reports. */
export function errorBox(error: unknown, retry?: () => void, context?: string): HTMLElement {
  return h(
    'div',
    { className: 'jp-mlm-error', attrs: { role: 'alert' } },
    h('div', { className: 'jp-mlm-error-title', text: context ? `${context} failed` : 'Something went wrong' }),
    h('div', { className: 'jp-mlm-error-message', text: describeError(error) }),
    retry ? button('Retry', () => retry(), { title: 'Send the request again' }) : null
  );
}

/** What a new user should do when a list is empty: a title and steps (text or elements). */
export function emptyState(title: string, ...steps: Array<string | HTMLElement>): HTMLElement {
  return h(
    'div',
    { className: 'jp-mlm-empty' },
    h('div', { className: 'jp-mlm-empty-title', text: title }),
    ...steps.map(step => h('p', { className: 'jp-mlm-empty-step' }, step))
  );
}

export function loadingLine(text = 'Loading…'): HTMLElement {
  return h('div', { className: 'jp-mlm-loading', text, attrs: { role: 'status', 'aria-live': 'polite' } });
}
