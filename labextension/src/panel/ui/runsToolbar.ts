// The Runs tab's controls: which runs, the metric and order of the leaderboard, the grouping, the
// filter bar, the selection's buttons and the status line.

import type { Experiment } from '../api/types.js';
import { plural } from '../model/format.js';
import type { Mode, ParamCondition, SortKey, SortSpec } from '../model/leaderboard.js';
import { button, h, select, setOptions } from './dom.js';
import { type RunsFilterActions, RunsFilterBar } from './runsFilterBar.js';

const SORTS: ReadonlyArray<readonly [SortKey, string]> = [
  ['metric', 'Best first'],
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['name', 'By name']
];

export interface RunsToolbarActions extends RunsFilterActions {
  scope(scope: string): void;
  metric(metric: string): void;
  mode(mode: Mode): void;
  sort(by: SortKey): void;
  group(key: string): void;
  compare(): void;
  clearSelection(): void;
  refresh(): void;
}

/** What the status line counts. */
export interface RunsStatusData {
  loaded: number;
  total: number;
  /** the runs could not be read at all (the list shows the error) */
  failed: boolean;
  selected: number;
}

export interface RunsControlsData {
  experiments: readonly Experiment[];
  scope: string;
  sort: SortSpec;
  /** the metrics to rank by, the chosen one included */
  metrics: readonly string[];
  params: readonly string[];
  groupBy: string;
  conditions: readonly ParamCondition[];
  status: RunsStatusData;
}

export class RunsToolbar {
  readonly node: HTMLElement;
  private readonly scope: HTMLSelectElement;
  private readonly metric: HTMLSelectElement;
  private readonly mode: HTMLSelectElement;
  private readonly sort: HTMLSelectElement;
  private readonly group: HTMLSelectElement;
  private readonly filterBar: RunsFilterBar;
  private readonly status = h('div', { className: 'jp-mlm-status-line', attrs: { 'aria-live': 'polite' } });
  private readonly compareButton: HTMLButtonElement;

  constructor(actions: RunsToolbarActions) {
    this.scope = select([], '', v => actions.scope(v), 'Which runs');
    this.metric = select([], '', v => actions.metric(v), 'Metric to rank by');
    this.mode = select(
      [
        ['min', 'min'],
        ['max', 'max']
      ],
      'min',
      v => actions.mode(v as Mode),
      'Best is the lowest (min) or highest (max) value of the metric'
    );
    this.sort = select(SORTS, 'newest', v => actions.sort(v as SortKey), 'Order of the runs');
    this.group = select([], '', v => actions.group(v), 'Group runs by a hyper-parameter');
    this.filterBar = new RunsFilterBar(actions);
    this.compareButton = button('Compare', () => actions.compare(), {
      accent: true,
      disabled: true,
      title: 'Open the selected runs side by side (select two or more)'
    });
    this.node = h(
      'div',
      { className: 'jp-mlm-controls' },
      h('div', { className: 'jp-mlm-control-row' }, this.scope),
      h('div', { className: 'jp-mlm-control-row' }, this.metric, this.mode),
      h('div', { className: 'jp-mlm-control-row' }, this.sort, this.group),
      ...this.filterBar.nodes,
      h(
        'div',
        { className: 'jp-mlm-control-row' },
        this.compareButton,
        button('Clear', () => actions.clearSelection(), { title: 'Unselect every run' }),
        button('Refresh', () => actions.refresh(), { title: 'Read the runs again' })
      ),
      this.status
    );
  }

  render(data: RunsControlsData): void {
    const { metrics, params, sort } = data;
    setOptions(
      this.scope,
      [
        ['', 'Runs from this notebook'],
        ...data.experiments.map(e => [e.name, `Experiment ${e.name} (${plural(e.run_count, 'run')})`] as const)
      ],
      data.scope
    );
    setOptions(this.metric, [['', metrics.length ? 'Metric…' : 'Metric'], ...metrics.map(m => [m, m] as const)], sort.metric ?? '');
    this.mode.value = sort.mode;
    this.sort.value = sort.by;
    setOptions(this.group, [['', 'No grouping'], ...params.map(p => [p, `Group by ${p}`] as const)], data.groupBy);
    this.filterBar.render(params, data.conditions);
    this.renderStatus(data.status);
  }

  /** The count of runs loaded and selected; Compare is on with two or more selected. */
  renderStatus({ loaded, total, failed, selected }: RunsStatusData): void {
    if (failed) {
      this.status.textContent = '';
    } else {
      const shown = loaded < total ? `${loaded.toLocaleString('en-US')} of ${plural(total, 'run')}` : plural(total, 'run');
      this.status.textContent = `${shown}${selected ? ` · ${selected} selected` : ''}`;
    }
    this.compareButton.disabled = selected < 2;
  }
}
