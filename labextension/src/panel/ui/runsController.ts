// The Runs tab's controller: reads the runs of its query page by page (answers to an older query
// are dropped), re-reads them while runs train and after the kernel ran a cell, and tells the views
// what to draw. No DOM here: the views draw, the query model holds the choices.

import type { MlmClient } from '../api/client.js';
import type { Experiment, Run } from '../api/types.js';
import { metricKeys, paramKeys } from '../model/leaderboard.js';
import { PagedList, type PagedSnapshot } from '../model/pagination.js';
import type { QueryEffect, RunsQuery } from '../model/runsQuery.js';
import { anyRunning } from '../model/status.js';
import type { RunsListData } from './runsList.js';
import type { RunsControlsData, RunsStatusData } from './runsToolbar.js';

export const LIVE_REFRESH_MS = 3000;
/** after the kernel starts a cell: long enough for a quick cell to be done */
export const BUSY_REFRESH_MS = 2000;
/** after it is done: a run's notebook is recorded by the kernel just after it starts */
export const IDLE_REFRESH_MS: readonly number[] = [500, 3000];

export type RunsClient = Pick<MlmClient, 'runs' | 'experiments'>;

/** The tab the controller works for: whether it is shown, and asking it to re-read when next shown. */
export interface RunsHost {
  isVisible(): boolean;
  invalidate(): void;
}

/** What the controller asks the views to draw. */
export interface RunsRenderer {
  controls(data: RunsControlsData): void;
  body(data: RunsListData): void;
  /** the runs ticked changed: tick their rows, count them */
  selection(selected: ReadonlySet<string>, status: RunsStatusData): void;
}

type Timer = ReturnType<typeof setTimeout>;

export class RunsController {
  private readonly runs: PagedList<Run>;
  private experiments: Experiment[] = [];
  private experimentsAsked = 0;
  private experimentsShown = 0;
  private refreshTimer: Timer | null = null;
  private cellTimers: Timer[] = [];

  constructor(
    private readonly client: RunsClient,
    private readonly query: RunsQuery,
    private readonly host: RunsHost,
    private readonly views: RunsRenderer,
    private readonly onSelectionChanged: () => void = () => undefined
  ) {
    this.runs = new PagedList<Run>(
      () => Promise.resolve({ items: [], total: 0, nextOffset: null }),
      r => r.run_id,
      200,
      s => this.onRuns(s)
    );
  }

  /** The runs ticked for comparison, freshest data first. */
  get selection(): Run[] {
    return this.query.selection(this.runs.snapshot.items);
  }

  /** The name of a loaded or ticked run, for other tabs. */
  runName(runId: string): string | null {
    return this.query.runName(runId, this.runs.snapshot.items);
  }

  /** Forget the runs loaded and read page one of the query (and the experiments) again. */
  load(): void {
    this.stopPolling();
    void this.loadExperiments();
    const params = this.query.params();
    if (!params) {
      this.runs.clear(); // no notebook in focus: nothing of the last one stays listed
      this.renderBody();
      return;
    }
    void this.runs.reset((offset, limit) => this.client.runs(params, offset, limit));
  }

  /** Re-read the loaded runs in place (keeping the scroll position and the selection). */
  refreshNow(): void {
    if (!this.host.isVisible()) {
      this.host.invalidate();
    } else if (this.query.hasSource) {
      void this.runs.refresh();
      void this.loadExperiments();
    }
  }

  /** The kernel of the notebook started (`done` false) or finished a cell: read the runs
   * again soon, now if shown, else when next shown. */
  refreshAfterCell(done: boolean): void {
    this.cellTimers.forEach(t => clearTimeout(t));
    this.cellTimers = (done ? IDLE_REFRESH_MS : [BUSY_REFRESH_MS]).map(delay => setTimeout(() => this.refreshNow(), delay));
  }

  loadMore(): void {
    void this.runs.loadMore();
  }

  /** Act on a change of the query: read the runs again or draw the loaded ones again. */
  apply(effect: QueryEffect): void {
    if (effect === 'reload') {
      this.load();
    } else if (effect === 'render') {
      this.renderBody();
    }
  }

  toggle(run: Run): void {
    this.query.toggle(run);
    this.selectionChanged();
  }

  clearSelection(): void {
    this.query.clearSelection();
    this.selectionChanged();
  }

  /** Draw the controls (and the status line) for the runs loaded so far. */
  renderControls(): void {
    const { query: q, runs } = this;
    const metrics = metricKeys(runs.snapshot.items);
    q.adoptMetric(metrics);
    this.views.controls({
      experiments: this.experiments,
      scope: q.scope,
      sort: q.sort,
      metrics: q.metricChoices(metrics),
      params: paramKeys(runs.snapshot.items),
      groupBy: q.groupBy,
      conditions: q.conditions,
      status: this.status()
    });
  }

  dispose(): void {
    this.stopPolling();
    this.cellTimers.forEach(t => clearTimeout(t));
    this.cellTimers = [];
  }

  private renderBody(): void {
    const { query: q, runs } = this;
    this.views.body({
      hasSource: q.hasSource,
      snapshot: runs.snapshot,
      hasMore: runs.hasMore,
      filtered: q.filtered,
      grouped: q.groupBy !== '',
      metric: q.sort.metric,
      rows: q.rows(runs.snapshot.items),
      selected: q.selectedIds()
    });
  }

  private status(): RunsStatusData {
    const { items, total, error } = this.runs.snapshot;
    return { loaded: items.length, total, failed: !!error && !items.length, selected: this.query.selectedCount };
  }

  private selectionChanged(): void {
    this.views.selection(this.query.selectedIds(), this.status());
    this.onSelectionChanged();
  }

  private async loadExperiments(): Promise<void> {
    const asked = ++this.experimentsAsked;
    let experiments: Experiment[];
    try {
      experiments = await this.client.experiments();
    } catch {
      experiments = []; // the runs request reports the same server error in the list
    }
    if (asked < this.experimentsShown) {
      return; // a later answer is shown already
    }
    this.experimentsShown = asked;
    this.experiments = experiments;
    this.renderControls();
  }

  private onRuns(snapshot: PagedSnapshot<Run>): void {
    this.renderControls();
    this.renderBody();
    if (anyRunning(snapshot.items) && this.refreshTimer === null && !snapshot.loading) {
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = null;
        if (this.host.isVisible()) {
          void this.runs.refresh();
        } else {
          this.host.invalidate(); // re-read when shown again
        }
      }, LIVE_REFRESH_MS);
    }
  }

  private stopPolling(): void {
    clearTimeout(this.refreshTimer ?? undefined);
    this.refreshTimer = null;
  }
}
