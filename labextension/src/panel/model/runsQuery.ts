// The Runs tab's query: where the runs come from (the notebook in focus or one experiment), their
// order, the filter, the grouping and the runs ticked for comparison. Pure state: no DOM, no requests.

import type { Run, RunQuery } from '../api/types.js';
import {
  type Mode,
  type ParamCondition,
  type RunGroup,
  type SortKey,
  type SortSpec,
  buildFilter,
  defaultMode,
  groupRuns,
  orderBy
} from './leaderboard.js';

/** What a change asks of the tab: read the runs again, draw the loaded ones again, or nothing. */
export type QueryEffect = 'reload' | 'render' | 'none';

/** A row of the runs list: a group's header line or a run. */
export type RunListItem = { kind: 'group'; group: RunGroup } | { kind: 'run'; run: Run };

export class RunsQuery {
  private notebookPath: string | null = null;
  private scopeName = ''; // '' = runs started from the notebook, else an experiment name
  private sortSpec: SortSpec = { by: 'newest', metric: null, mode: 'min' };
  private conditionList: ParamCondition[] = [];
  private text = '';
  private groupKey = '';
  private readonly selected = new Map<string, Run>();

  /** the notebook in focus (null: none) */
  get notebook(): string | null {
    return this.notebookPath;
  }

  /** '' for the runs of the notebook, else the experiment shown */
  get scope(): string {
    return this.scopeName;
  }

  get sort(): SortSpec {
    return this.sortSpec;
  }

  get conditions(): readonly ParamCondition[] {
    return this.conditionList;
  }

  get filterText(): string {
    return this.text;
  }

  /** the param the runs are grouped by ('' for none) */
  get groupBy(): string {
    return this.groupKey;
  }

  /** Whether there is anything to list: a notebook in focus or an experiment chosen. */
  get hasSource(): boolean {
    return !!this.notebookPath || !!this.scopeName;
  }

  /** Whether a condition or filter text narrows the runs. */
  get filtered(): boolean {
    return this.conditionList.length > 0 || this.text !== '';
  }

  /** The filters of `GET runs` (offset and limit are the pager's), null when there is no source. */
  params(): RunQuery | null {
    if (!this.hasSource) {
      return null;
    }
    return {
      notebook: this.scopeName ? undefined : (this.notebookPath ?? undefined),
      experiment: this.scopeName || undefined,
      filter: buildFilter(this.conditionList, this.text) || undefined,
      orderBy: orderBy(this.sortSpec)
    };
  }

  setNotebook(path: string | null): QueryEffect {
    if (path === this.notebookPath) {
      return 'none';
    }
    this.notebookPath = path;
    return 'reload';
  }

  setScope(scope: string): QueryEffect {
    this.scopeName = scope;
    return 'reload';
  }

  /** Rank by this metric (best first, lower or higher is better as its name suggests); '' for none. */
  setMetric(metric: string): QueryEffect {
    const sort = this.sortSpec;
    this.sortSpec = metric
      ? { by: 'metric', metric, mode: defaultMode(metric) }
      : { ...sort, metric: null, by: sort.by === 'metric' ? 'newest' : sort.by };
    return 'reload';
  }

  setMode(mode: Mode): QueryEffect {
    this.sortSpec = { ...this.sortSpec, mode };
    return this.sortSpec.by === 'metric' ? 'reload' : 'render';
  }

  setSort(by: SortKey): QueryEffect {
    this.sortSpec = { ...this.sortSpec, by };
    return 'reload';
  }

  setGroup(key: string): QueryEffect {
    this.groupKey = key;
    return 'render';
  }

  addCondition(condition: ParamCondition): QueryEffect {
    if (!condition.key) {
      return 'none';
    }
    this.conditionList = [...this.conditionList, condition];
    return 'reload';
  }

  removeCondition(index: number): QueryEffect {
    this.conditionList = this.conditionList.filter((_, i) => i !== index);
    return 'reload';
  }

  setFilterText(text: string): QueryEffect {
    if (text.trim() === this.text) {
      return 'none';
    }
    this.text = text.trim();
    return 'reload';
  }

  /** With no metric chosen, show the first of these (the most common) without reordering. */
  adoptMetric(metrics: readonly string[]): void {
    if (!this.sortSpec.metric && metrics.length) {
      this.sortSpec = { ...this.sortSpec, metric: metrics[0], mode: defaultMode(metrics[0]) };
    }
  }

  /** The metrics to choose from: these, and the chosen one when the loaded runs lack it. */
  metricChoices(metrics: readonly string[]): string[] {
    const metric = this.sortSpec.metric;
    return metric && !metrics.includes(metric) ? [metric, ...metrics] : [...metrics];
  }

  /** The rows of the list: the runs, or each group's header line followed by its runs. */
  rows(runs: readonly Run[]): RunListItem[] {
    if (!this.groupKey) {
      return runs.map(run => ({ kind: 'run' as const, run }));
    }
    const { metric, mode } = this.sortSpec;
    return groupRuns(runs, [this.groupKey], metric, mode).flatMap(group => [
      { kind: 'group' as const, group },
      ...group.runs.map(run => ({ kind: 'run' as const, run }))
    ]);
  }

  isSelected(runId: string): boolean {
    return this.selected.has(runId);
  }

  get selectedCount(): number {
    return this.selected.size;
  }

  selectedIds(): ReadonlySet<string> {
    return new Set(this.selected.keys());
  }

  /** Tick the run for comparison, or untick it. */
  toggle(run: Run): void {
    if (this.selected.has(run.run_id)) {
      this.selected.delete(run.run_id);
    } else {
      this.selected.set(run.run_id, run);
    }
  }

  clearSelection(): void {
    this.selected.clear();
  }

  /** The ticked runs in the order ticked, with the data of `loaded` where they are loaded. */
  selection(loaded: readonly Run[]): Run[] {
    const byId = new Map(loaded.map(r => [r.run_id, r]));
    return [...this.selected].map(([id, run]) => byId.get(id) ?? run);
  }

  /** The name of a loaded or ticked run (null when neither knows it). */
  runName(runId: string, loaded: readonly Run[]): string | null {
    return loaded.find(r => r.run_id === runId)?.name ?? this.selected.get(runId)?.name ?? null;
  }
}
