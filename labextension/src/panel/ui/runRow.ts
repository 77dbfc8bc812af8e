// One line of the runs leaderboard, and the header line of a group of runs.

import type { Run } from '../api/types.js';
import { formatDuration, formatParam, formatRelative, formatValue, plural } from '../model/format.js';
import type { RunGroup } from '../model/leaderboard.js';
import { metricValue } from '../model/leaderboard.js';
import { statusBadgeEl } from './badges.js';
import { h } from './dom.js';

export const RUN_ROW_HEIGHT = 46;

export function runRow(run: Run, metric: string | null, selected: boolean, toggle: (run: Run) => void): HTMLElement {
  const box = h('input', {
    className: 'jp-mlm-run-check',
    attrs: { type: 'checkbox', tabindex: -1, 'aria-label': `Select ${run.name || run.run_id} to compare` }
  });
  box.checked = selected;
  box.addEventListener('change', () => toggle(run));
  const summary = metric ? run.metrics?.[metric] : undefined;
  const value = metricValue(run, metric);
  const valueTitle = summary
    ? `${metric}: last ${formatValue(summary.last)}, min ${formatValue(summary.min)}, max ${formatValue(summary.max)} (${plural(summary.count, 'point')})`
    : metric
      ? `${metric} was not logged by this run`
      : 'Choose a metric above';
  const end = run.end_time ?? (run.status === 'running' ? Date.now() / 1000 : null);
  const params = Object.entries(run.params ?? {})
    .slice(0, 4)
    .map(([k, v]) => `${k}=${formatParam(v)}`)
    .join(' ');
  return h(
    'div',
    { className: 'jp-mlm-run' },
    h(
      'div',
      { className: 'jp-mlm-run-line' },
      box,
      statusBadgeEl(run.status),
      h('span', {
        className: 'jp-mlm-run-name',
        text: run.name || run.run_id.slice(0, 8),
        title: `${run.name}\nrun ${run.run_id}\nexperiment ${run.experiment}\nby ${run.user}`
      }),
      h('span', { className: 'jp-mlm-run-value', text: formatValue(value), title: valueTitle })
    ),
    h(
      'div',
      { className: 'jp-mlm-run-line jp-mlm-muted' },
      h('span', {
        className: 'jp-mlm-run-when',
        text: `${formatRelative(run.start_time)} · ${formatDuration(end === null ? null : end - run.start_time)}`
      }),
      h('span', { className: 'jp-mlm-run-params', text: params, title: params })
    )
  );
}

export function groupRow(group: RunGroup, metric: string | null): HTMLElement {
  const stats = metric && group.best !== null ? ` · best ${formatValue(group.best)} · mean ${formatValue(group.mean)}` : '';
  return h(
    'div',
    { className: 'jp-mlm-group' },
    h('span', { className: 'jp-mlm-group-label', text: group.label, title: group.label }),
    h('span', { className: 'jp-mlm-muted', text: `${plural(group.runs.length, 'run')}${stats}` })
  );
}
