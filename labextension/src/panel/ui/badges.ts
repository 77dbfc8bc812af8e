// Small inline elements shared by the views: status badges, chips, times.

import { formatDateTime, formatRelative } from '../model/format.js';
import { statusBadge } from '../model/status.js';
import { h } from './dom.js';

export function statusBadgeEl(status: string | null | undefined): HTMLElement {
  const badge = statusBadge(status);
  return h('span', { className: `jp-mlm-badge jp-mlm-badge-${badge.tone}`, text: badge.label, title: badge.title });
}

export function chip(text: string, title: string, className = ''): HTMLElement {
  return h('span', { className: `jp-mlm-chip ${className}`.trim(), text, title });
}

/** "5 min ago" with the exact time on hover, as a <time> element. */
export function timeEl(seconds: number | null | undefined): HTMLElement {
  const el = h('time', { className: 'jp-mlm-time', text: formatRelative(seconds), title: formatDateTime(seconds) });
  if (seconds !== null && seconds !== undefined && Number.isFinite(seconds)) {
    el.setAttribute('datetime', new Date(seconds * 1000).toISOString());
  }
  return el;
}
