// The Runs tab's body: the windowed runs list (group header lines when grouped), with what to do
// when it is empty, the error of a failed page above it and the next page loading below it.

import type { Run } from '../api/types.js';
import type { PagedSnapshot } from '../model/pagination.js';
import type { RunListItem } from '../model/runsQuery.js';
import { code, h } from './dom.js';
import { emptyState, errorBox, loadingLine } from './notices.js';
import { RUN_ROW_HEIGHT, groupRow, runRow } from './runRow.js';
import { VirtualList } from './virtualList.js';

export interface RunsListActions {
  toggle(run: Run): void;
  loadMore(): void;
  /** read the runs again after they failed */
  retry(): void;
}

export interface RunsListData {
  /** a notebook in focus or an experiment chosen */
  hasSource: boolean;
  snapshot: PagedSnapshot<Run>;
  hasMore: boolean;
  /** a condition or filter text narrows the runs */
  filtered: boolean;
  grouped: boolean;
  metric: string | null;
  rows: RunListItem[];
  selected: ReadonlySet<string>;
}

export class RunsList {
  readonly node = h('div', { className: 'jp-mlm-body' });
  private readonly list: VirtualList<RunListItem>;
  /** the list node never moves (moving it would lose the scroll position) */
  private readonly parts = { placeholder: h('div'), banner: h('div'), footer: h('div') };
  private metric: string | null = null;
  private selected: ReadonlySet<string> = new Set();

  constructor(private readonly actions: RunsListActions) {
    this.list = new VirtualList<RunListItem>({
      rowHeight: RUN_ROW_HEIGHT,
      label: 'Runs',
      multiselect: true,
      renderRow: item =>
        item.kind === 'group'
          ? groupRow(item.group, this.metric)
          : runRow(item.run, this.metric, this.selected.has(item.run.run_id), r => actions.toggle(r)),
      isSelected: item => item.kind === 'run' && this.selected.has(item.run.run_id),
      onActivate: item => item.kind === 'run' && actions.toggle(item.run),
      onNearEnd: () => actions.loadMore()
    });
    this.node.append(this.parts.placeholder, this.parts.banner, this.list.node, this.parts.footer);
  }

  render(data: RunsListData): void {
    const { items, loading, error } = data.snapshot;
    const b = this.parts;
    this.metric = data.metric;
    this.selected = data.selected;
    this.list.node.hidden = items.length === 0;
    b.banner.replaceChildren();
    b.footer.replaceChildren();
    if (!data.hasSource) {
      b.placeholder.replaceChildren(emptyState('No notebook in focus', 'Open a notebook to see the runs started from it.'));
    } else if (error && !items.length) {
      b.placeholder.replaceChildren(errorBox(error, () => this.actions.retry(), 'Loading runs'));
    } else if (!items.length) {
      b.placeholder.replaceChildren(loading ? loadingLine('Loading runs…') : this.emptyList(data.filtered));
    } else {
      b.placeholder.replaceChildren();
      if (error) {
        b.banner.append(errorBox(error, () => this.actions.loadMore(), 'Loading more runs'));
      }
      if (data.grouped && data.hasMore) {
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
      this.list.setItems(data.rows);
    }
  }

  /** Tick the rows of these runs (the rows in view are drawn again). */
  showSelection(selected: ReadonlySet<string>): void {
    this.selected = selected;
    this.list.refresh();
  }

  dispose(): void {
    this.list.dispose();
  }

  private emptyList(filtered: boolean): HTMLElement {
    return filtered
      ? emptyState('No run matches the filter', 'Remove a condition or change the filter text above.')
      : emptyState(
          'No runs yet',
          h('span', {}, 'Load the extension in a cell: ', code('%load_ext jupyter_mlm')),
          h('span', {}, 'Start tracking: ', code('%mlm_track start my-experiment')),
          h('span', {}, 'Log metrics as you train: ', code('mlm.log(loss=loss)'), ', then ', code('%mlm_track stop')),
          'Runs started from this notebook show up here, live while they train.'
        );
  }
}
