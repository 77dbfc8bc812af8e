// The Runs tab: the leaderboard of the runs of the notebook in focus (or of one experiment),
// paged from the server and windowed, refreshing itself while runs train.

import type { Experiment, Run } from '../api/types.js';
import { plural } from '../model/format.js';
import {
  type FilterOp,
  type Mode,
  type ParamCondition,
  type RunGroup,
  type SortKey,
  type SortSpec,
  buildFilter,
  defaultMode,
  groupRuns,
  metricKeys,
  orderBy,
  paramKeys
} from '../model/leaderboard.js';
import { PagedList, type PagedSnapshot } from '../model/pagination.js';
import { anyRunning } from '../model/status.js';
import { button, code, h, select } from './dom.js';
import { emptyState, errorBox, loadingLine } from './notices.js';
import { RUN_ROW_HEIGHT, groupRow, runRow } from './runRow.js';
import { Section } from './section.js';
import type { PanelServices } from './services.js';
import { VirtualList } from './virtualList.js';

type Item = { kind: 'group'; group: RunGroup } | { kind: 'run'; run: Run };

const LIVE_REFRESH_MS = 3000;
/** after the kernel starts a cell: long enough for a quick cell to be done */
const BUSY_REFRESH_MS = 2000;
/** after it is done: a run's notebook is recorded by the kernel just after it starts */
const IDLE_REFRESH_MS = [500, 3000];
const OPS: FilterOp[] = ['=', '!=', '<', '<=', '>', '>=', 'like'];
const SORTS: ReadonlyArray<readonly [SortKey, string]> = [
  ['metric', 'Best first'],
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['name', 'By name']
];

function setOptions(el: HTMLSelectElement, options: ReadonlyArray<readonly [string, string]>, value: string): void {
  const wanted = options.map(o => o.join('\u0000')).join('\u0001');
  if (el.dataset.options !== wanted) {
    el.replaceChildren(...options.map(([v, text]) => h('option', { text, attrs: { value: v } })));
    el.dataset.options = wanted;
  }
  el.value = value;
}

export class RunsView extends Section {
  private scope = ''; // '' = runs started from this notebook, else an experiment name
  private sort: SortSpec = { by: 'newest', metric: null, mode: 'min' };
  private conditions: ParamCondition[] = [];
  private filterText = '';
  private groupBy = '';
  private experiments: Experiment[] = [];
  private readonly selected = new Map<string, Run>();
  private readonly runs: PagedList<Run>;
  private readonly list: VirtualList<Item>;
  private refreshTimer = 0;
  private cellTimers: number[] = [];
  private readonly controls = {
    scope: select([], '', v => this.setScope(v), 'Which runs'),
    metric: select([], '', v => this.setMetric(v), 'Metric to rank by'),
    mode: select(
      [
        ['min', 'min'],
        ['max', 'max']
      ],
      'min',
      v => this.setMode(v as Mode),
      'Best is the lowest (min) or highest (max) value of the metric'
    ),
    sort: select(SORTS, 'newest', v => this.setSort(v as SortKey), 'Order of the runs'),
    group: select([], '', v => this.setGroup(v), 'Group runs by a hyper-parameter'),
    param: select([], '', () => undefined, 'Param to filter on'),
    op: select(
      OPS.map(o => [o, o] as const),
      '=',
      () => undefined,
      'Comparison'
    ),
    value: h('input', { className: 'jp-mlm-input', attrs: { type: 'text', placeholder: 'value', 'aria-label': 'Param value' } }),
    text: h('input', {
      className: 'jp-mlm-input jp-mlm-filter-text',
      attrs: { type: 'search', placeholder: "filter: params.lr < 0.01 and tags.model = 'cnn'", 'aria-label': 'Filter expression' }
    })
  };
  private readonly chips = h('div', { className: 'jp-mlm-chips' });
  private readonly status = h('div', { className: 'jp-mlm-status-line', attrs: { 'aria-live': 'polite' } });
  private readonly compareButton = button('Compare', () => this.compare(), {
    accent: true,
    disabled: true,
    title: 'Open the selected runs side by side (select two or more)'
  });
  private readonly body = h('div', { className: 'jp-mlm-body' });
  /** the list node never moves (moving it would lose the scroll position) */
  private readonly bodyParts = {
    placeholder: h('div'),
    banner: h('div'),
    footer: h('div')
  };

  constructor(
    services: PanelServices,
    private readonly onSelectionChanged: () => void
  ) {
    super(services, 'Runs', 'jp-mlm-runs');
    this.runs = new PagedList<Run>(
      () => Promise.resolve({ items: [], total: 0, nextOffset: null }),
      r => r.run_id,
      200,
      s => this.onRuns(s)
    );
    this.list = new VirtualList<Item>({
      rowHeight: RUN_ROW_HEIGHT,
      label: 'Runs',
      multiselect: true,
      renderRow: item =>
        item.kind === 'group'
          ? groupRow(item.group, this.sort.metric)
          : runRow(item.run, this.sort.metric, this.selected.has(item.run.run_id), r => this.toggle(r)),
      isSelected: item => item.kind === 'run' && this.selected.has(item.run.run_id),
      onActivate: item => item.kind === 'run' && this.toggle(item.run),
      onNearEnd: () => void this.runs.loadMore()
    });
    this.body.append(this.bodyParts.placeholder, this.bodyParts.banner, this.list.node, this.bodyParts.footer);
    this.controls.value.addEventListener('keydown', e => e.key === 'Enter' && this.addCondition());
    this.controls.text.addEventListener('change', () => this.setFilterText(this.controls.text.value));
    const c = this.controls;
    this.node.append(
      h(
        'div',
        { className: 'jp-mlm-controls' },
        h('div', { className: 'jp-mlm-control-row' }, c.scope),
        h('div', { className: 'jp-mlm-control-row' }, c.metric, c.mode),
        h('div', { className: 'jp-mlm-control-row' }, c.sort, c.group),
        h(
          'div',
          { className: 'jp-mlm-control-row' },
          c.param,
          c.op,
          c.value,
          button('Add', () => this.addCondition(), { title: 'Add this param condition to the filter' })
        ),
        this.chips,
        h('div', { className: 'jp-mlm-control-row' }, c.text),
        h(
          'div',
          { className: 'jp-mlm-control-row' },
          this.compareButton,
          button('Clear', () => this.clearSelection(), { title: 'Unselect every run' }),
          button('Refresh', () => this.refreshNow(), { title: 'Read the runs again' })
        ),
        this.status
      ),
      this.body
    );
    this.renderControls();
  }

  /** The runs ticked for comparison, freshest data first. */
  get selection(): Run[] {
    const loaded = new Map(this.runs.snapshot.items.map(r => [r.run_id, r]));
    return [...this.selected.keys()].map(id => loaded.get(id) ?? this.selected.get(id)!);
  }

  /** The name of a loaded run, for other tabs. */
  runName(runId: string): string | null {
    return this.runs.snapshot.items.find(r => r.run_id === runId)?.name ?? this.selected.get(runId)?.name ?? null;
  }

  compare(): void {
    const runs = this.selection;
    if (runs.length >= 2) {
      this.services.openCompare(runs);
    }
  }

  /** The kernel of the notebook started (`done` false) or finished a cell: read the runs
   * again soon, now if shown, else when next shown. */
  refreshAfterCell(done: boolean): void {
    this.cellTimers.forEach(t => window.clearTimeout(t));
    this.cellTimers = (done ? IDLE_REFRESH_MS : [BUSY_REFRESH_MS]).map(delay => window.setTimeout(() => this.refreshNow(), delay));
  }

  dispose(): void {
    window.clearTimeout(this.refreshTimer);
    this.cellTimers.forEach(t => window.clearTimeout(t));
    this.list.dispose();
    super.dispose();
  }

  protected load(): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = 0;
    void this.loadExperiments();
    if (!this.path && !this.scope) {
      this.renderBody();
      return;
    }
    const query = {
      notebook: this.scope ? undefined : (this.path ?? undefined),
      experiment: this.scope || undefined,
      filter: buildFilter(this.conditions, this.filterText) || undefined,
      orderBy: orderBy(this.sort)
    };
    void this.runs.reset((offset, limit) => this.services.client.runs(query, offset, limit));
  }

  /** Re-read the loaded runs in place (keeping the scroll position and the selection). */
  private refreshNow(): void {
    if (!this.isVisible) {
      this.invalidate();
    } else if (this.path || this.scope) {
      void this.runs.refresh();
      void this.loadExperiments();
    }
  }

  private async loadExperiments(): Promise<void> {
    try {
      this.experiments = await this.services.client.experiments();
    } catch {
      this.experiments = []; // the runs request reports the same server error in the list
    }
    this.renderControls();
  }

  private onRuns(snapshot: PagedSnapshot<Run>): void {
    this.renderControls();
    this.renderBody();
    if (anyRunning(snapshot.items) && !this.refreshTimer && !snapshot.loading) {
      this.refreshTimer = window.setTimeout(() => {
        this.refreshTimer = 0;
        if (this.isVisible) {
          void this.runs.refresh();
        } else {
          this.invalidate(); // re-read when shown again
        }
      }, LIVE_REFRESH_MS);
    }
  }

  private renderControls(): void {
    const items = this.runs.snapshot.items;
    const c = this.controls;
    const metrics = metricKeys(items);
    if (!this.sort.metric && metrics.length) {
      this.sort = { ...this.sort, metric: metrics[0], mode: defaultMode(metrics[0]) };
    }
    if (this.sort.metric && !metrics.includes(this.sort.metric)) {
      metrics.unshift(this.sort.metric);
    }
    const params = paramKeys(items);
    setOptions(
      c.scope,
      [
        ['', 'Runs from this notebook'],
        ...this.experiments.map(e => [e.name, `Experiment ${e.name} (${plural(e.run_count, 'run')})`] as const)
      ],
      this.scope
    );
    setOptions(c.metric, [['', metrics.length ? 'Metric…' : 'Metric'], ...metrics.map(m => [m, m] as const)], this.sort.metric ?? '');
    c.mode.value = this.sort.mode;
    c.sort.value = this.sort.by;
    setOptions(c.group, [['', 'No grouping'], ...params.map(p => [p, `Group by ${p}`] as const)], this.groupBy);
    setOptions(c.param, [['', 'Param'], ...params.map(p => [p, p] as const)], c.param.value);
    this.chips.replaceChildren(
      ...this.conditions.map((cond, i) =>
        button(`${cond.key} ${cond.op} ${cond.value} ✕`, () => this.removeCondition(i), {
          className: 'jp-mlm-chip-button',
          title: 'Remove this condition'
        })
      )
    );
    this.updateStatus();
  }

  private updateStatus(): void {
    const { items, total, error } = this.runs.snapshot;
    const n = this.selected.size;
    if (error && !items.length) {
      this.status.textContent = '';
      this.compareButton.disabled = n < 2;
      return;
    }
    const shown = items.length < total ? `${items.length.toLocaleString('en-US')} of ${plural(total, 'run')}` : plural(total, 'run');
    this.status.textContent = `${shown}${n ? ` · ${n} selected` : ''}`;
    this.compareButton.disabled = n < 2;
  }

  private renderBody(): void {
    const { items, loading, error } = this.runs.snapshot;
    const b = this.bodyParts;
    this.list.node.hidden = items.length === 0;
    b.banner.replaceChildren();
    b.footer.replaceChildren();
    if (!this.path && !this.scope) {
      b.placeholder.replaceChildren(emptyState('No notebook in focus', 'Open a notebook to see the runs started from it.'));
    } else if (error && !items.length) {
      b.placeholder.replaceChildren(errorBox(error, () => this.load(), 'Loading runs'));
    } else if (!items.length) {
      b.placeholder.replaceChildren(
        loading
          ? loadingLine('Loading runs…')
          : this.conditions.length || this.filterText
            ? emptyState('No run matches the filter', 'Remove a condition or change the filter text above.')
            : emptyState(
                'No runs yet',
                h('span', {}, 'Load the extension in a cell: ', code('%load_ext jupyter_mlm')),
                h('span', {}, 'Start tracking: ', code('%mlm_track start my-experiment')),
                h('span', {}, 'Log metrics as you train: ', code('mlm.log(loss=loss)'), ', then ', code('%mlm_track stop')),
                'Runs started from this notebook show up here, live while they train.'
              )
      );
    } else {
      b.placeholder.replaceChildren();
      if (error) {
        b.banner.append(errorBox(error, () => void this.runs.loadMore(), 'Loading more runs'));
      }
      if (this.groupBy && this.runs.hasMore) {
        b.banner.append(
          h('div', {
            className: 'jp-mlm-note',
            text: `Groups of the ${items.length.toLocaleString('en-US')} runs loaded so far; scroll to load more.`
          })
        );
      }
      if (loading) {
        b.footer.append(loadingLine('Loading more runs…'));
      }
      this.list.setItems(
        this.groupBy
          ? groupRuns(items, [this.groupBy], this.sort.metric, this.sort.mode).flatMap(group => [
              { kind: 'group' as const, group },
              ...group.runs.map(run => ({ kind: 'run' as const, run }))
            ])
          : items.map(run => ({ kind: 'run' as const, run }))
      );
    }
  }

  private toggle(run: Run): void {
    if (this.selected.has(run.run_id)) {
      this.selected.delete(run.run_id);
    } else {
      this.selected.set(run.run_id, run);
    }
    this.list.refresh();
    this.updateStatus();
    this.onSelectionChanged();
  }

  private clearSelection(): void {
    this.selected.clear();
    this.list.refresh();
    this.updateStatus();
    this.onSelectionChanged();
  }

  private setScope(scope: string): void {
    this.scope = scope;
    this.load();
  }

  private setMetric(metric: string): void {
    this.sort = metric
      ? { by: 'metric', metric, mode: defaultMode(metric) }
      : { ...this.sort, metric: null, by: this.sort.by === 'metric' ? 'newest' : this.sort.by };
    this.load();
  }

  private setMode(mode: Mode): void {
    this.sort = { ...this.sort, mode };
    if (this.sort.by === 'metric') {
      this.load();
    } else {
      this.renderBody();
    }
  }

  private setSort(by: SortKey): void {
    this.sort = { ...this.sort, by };
    this.load();
  }

  private setGroup(key: string): void {
    this.groupBy = key;
    this.renderBody();
  }

  private addCondition(): void {
    const key = this.controls.param.value;
    if (!key) {
      this.controls.param.focus();
      return;
    }
    this.conditions = [...this.conditions, { key, op: this.controls.op.value as FilterOp, value: this.controls.value.value }];
    this.controls.value.value = '';
    this.load();
  }

  private removeCondition(index: number): void {
    this.conditions = this.conditions.filter((_, i) => i !== index);
    this.load();
  }

  private setFilterText(text: string): void {
    if (text.trim() !== this.filterText) {
      this.filterText = text.trim();
      this.load();
    }
  }
}
