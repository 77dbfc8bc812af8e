// The Runs tab: the leaderboard of the runs of the notebook in focus (or of one experiment),
// paged from the server and windowed, refreshing itself while runs train. This wires the query
// model, the controller and the views together.

import type { Run } from '../api/types.js';
import { type QueryEffect, RunsQuery } from '../model/runsQuery.js';
import { RunsController } from './runsController.js';
import { RunsList } from './runsList.js';
import { RunsToolbar } from './runsToolbar.js';
import { Section } from './section.js';
import type { PanelServices } from './services.js';

export class RunsView extends Section {
  private readonly query = new RunsQuery();
  private readonly controller: RunsController;
  private readonly toolbar: RunsToolbar;
  private readonly list: RunsList;

  constructor(services: PanelServices, onSelectionChanged: () => void) {
    super(services, 'Runs', 'jp-mlm-runs');
    const q = this.query;
    const apply = (effect: QueryEffect) => this.controller.apply(effect);
    this.toolbar = new RunsToolbar({
      scope: v => apply(q.setScope(v)),
      metric: v => apply(q.setMetric(v)),
      mode: v => apply(q.setMode(v)),
      sort: v => apply(q.setSort(v)),
      group: v => apply(q.setGroup(v)),
      addCondition: c => apply(q.addCondition(c)),
      removeCondition: i => apply(q.removeCondition(i)),
      filterText: t => apply(q.setFilterText(t)),
      compare: () => this.compare(),
      clearSelection: () => this.controller.clearSelection(),
      refresh: () => this.controller.refreshNow()
    });
    this.list = new RunsList({
      toggle: run => this.controller.toggle(run),
      loadMore: () => this.controller.loadMore(),
      retry: () => this.load()
    });
    this.controller = new RunsController(
      services.client,
      q,
      { isVisible: () => this.isVisible, invalidate: () => this.invalidate() },
      {
        controls: data => this.toolbar.render(data),
        body: data => this.list.render(data),
        selection: (selected, status) => {
          this.list.showSelection(selected);
          this.toolbar.renderStatus(status);
        }
      },
      onSelectionChanged
    );
    this.node.append(this.toolbar.node, this.list.node);
    this.controller.renderControls();
  }

  /** The runs ticked for comparison, freshest data first. */
  get selection(): Run[] {
    return this.controller.selection;
  }

  /** The name of a loaded run, for other tabs. */
  runName(runId: string): string | null {
    return this.controller.runName(runId);
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
    this.controller.refreshAfterCell(done);
  }

  dispose(): void {
    this.controller.dispose();
    this.list.dispose();
    super.dispose();
  }

  protected load(): void {
    this.query.setNotebook(this.path);
    this.controller.load();
  }
}
