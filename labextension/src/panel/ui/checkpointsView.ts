// The Checkpoints tab: the timeline of the notebook in focus (every author, newest first),
// paged and windowed, with the details of the picked checkpoint below it.

import { CommandIDs } from '../commands.js';
import type { Checkpoint, CheckpointFailure } from '../api/types.js';
import { isPending } from '../model/checkpointLabels.js';
import { formatDateTime, plural } from '../model/format.js';
import { PagedList, type PagedSnapshot } from '../model/pagination.js';
import { checkpointDetail } from './checkpointDetail.js';
import { CHECKPOINT_ROW_HEIGHT, checkpointRow } from './checkpointRow.js';
import { button, h } from './dom.js';
import { emptyState, errorBox, loadingLine } from './notices.js';
import { Section } from './section.js';
import type { PanelServices } from './services.js';
import { VirtualList } from './virtualList.js';

const PENDING_REFRESH_MS = 2000;

export class CheckpointsView extends Section {
  private readonly checkpoints: PagedList<Checkpoint>;
  private readonly list: VirtualList<Checkpoint>;
  private failures: CheckpointFailure[] = [];
  private picked: Checkpoint | null = null;
  private timer = 0;
  private saveTimer = 0;
  private readonly status = h('div', { className: 'jp-mlm-status-line', attrs: { 'aria-live': 'polite' } });
  private readonly banner = h('div');
  private readonly placeholder = h('div');
  private readonly footer = h('div');
  private readonly detail = h('div', { className: 'jp-mlm-detail-pane' });

  constructor(services: PanelServices) {
    super(services, 'Checkpoints', 'jp-mlm-checkpoints');
    this.checkpoints = new PagedList<Checkpoint>(
      () => Promise.resolve({ items: [], total: 0, nextOffset: null }),
      c => c.checkpoint_id,
      100,
      s => this.onCheckpoints(s)
    );
    this.list = new VirtualList<Checkpoint>({
      rowHeight: CHECKPOINT_ROW_HEIGHT,
      label: 'Checkpoints, newest first',
      renderRow: checkpointRow,
      isSelected: c => c.checkpoint_id === this.picked?.checkpoint_id,
      onActivate: c => this.pick(c),
      onNearEnd: () => void this.checkpoints.loadMore()
    });
    this.list.node.hidden = true;
    this.node.append(
      h(
        'div',
        { className: 'jp-mlm-controls' },
        h(
          'div',
          { className: 'jp-mlm-control-row' },
          button('Checkpoint…', () => void services.app.commands.execute(CommandIDs.checkpoint), {
            title: 'Save the notebook and record a checkpoint with a message'
          }),
          button('Refresh', () => this.load(), { title: 'Read the timeline again' })
        ),
        this.status
      ),
      h('div', { className: 'jp-mlm-body' }, this.banner, this.placeholder, this.list.node, this.footer),
      this.detail
    );
  }

  /** After a save: the server records its checkpoint during or just after the save request
   * (JupyterLab may ask for it separately), so read the timeline twice. */
  refreshAfterSave(): void {
    this.refreshSoon(800);
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.refreshSoon(0), 3000);
  }

  /** Re-read the loaded part of the timeline soon. */
  refreshSoon(delay = 800): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      if (this.isVisible) {
        void this.checkpoints.refresh();
      } else {
        this.invalidate();
      }
    }, delay);
  }

  dispose(): void {
    window.clearTimeout(this.timer);
    window.clearTimeout(this.saveTimer);
    this.list.dispose();
    super.dispose();
  }

  protected load(): void {
    window.clearTimeout(this.timer);
    this.timer = 0;
    this.failures = [];
    const path = this.path;
    if (!path) {
      this.picked = null;
      this.renderDetail();
      this.onCheckpoints(this.checkpoints.snapshot);
      return;
    }
    if (this.picked && this.picked.path !== path) {
      this.picked = null;
      this.renderDetail();
    }
    void this.checkpoints.reset(async (offset, limit) => {
      const page = await this.services.client.checkpoints(path, offset, limit);
      if (offset === 0) {
        this.failures = page.failures;
      }
      return page;
    });
  }

  private onCheckpoints(snapshot: PagedSnapshot<Checkpoint>): void {
    const { items, total, loading, error } = snapshot;
    this.status.textContent =
      !this.path || (error && !items.length)
        ? ''
        : items.length < total
          ? `${items.length.toLocaleString('en-US')} of ${plural(total, 'checkpoint')}`
          : plural(total, 'checkpoint');
    this.banner.replaceChildren();
    this.footer.replaceChildren();
    this.list.node.hidden = !this.path || items.length === 0;
    if (!this.path) {
      this.placeholder.replaceChildren(emptyState('No notebook in focus', 'Open a notebook to see its checkpoint timeline.'));
      return;
    }
    if (this.failures.length) {
      const lines = this.failures.slice(0, 5).map(f => h('li', { text: `${formatDateTime(f.time)}: ${f.error}` }));
      this.banner.append(
        h(
          'div',
          { className: 'jp-mlm-error', attrs: { role: 'alert' } },
          h('div', { className: 'jp-mlm-error-title', text: `${plural(this.failures.length, 'save')} could not be checkpointed` }),
          h('ul', { className: 'jp-mlm-plain-list' }, ...lines)
        )
      );
    }
    if (error && !items.length) {
      this.placeholder.replaceChildren(errorBox(error, () => this.load(), 'Loading checkpoints'));
      return;
    }
    if (!items.length) {
      this.placeholder.replaceChildren(
        loading
          ? loadingLine('Loading checkpoints…')
          : emptyState(
              'No checkpoints yet',
              'Save the notebook (Ctrl+S): every save records a checkpoint with its git commit, datasets and runs.',
              'Or use “Checkpoint…” above to record one with a message.',
              'Teammates sharing the store see the same timeline and can comment on it.'
            )
      );
      return;
    }
    this.placeholder.replaceChildren();
    if (error) {
      this.banner.append(errorBox(error, () => void this.checkpoints.loadMore(), 'Loading more checkpoints'));
    }
    if (loading) {
      this.footer.append(loadingLine('Loading more checkpoints…'));
    }
    this.list.setItems(items);
    if (this.picked) {
      const fresh = items.find(c => c.checkpoint_id === this.picked?.checkpoint_id);
      if (fresh && JSON.stringify(fresh) !== JSON.stringify(this.picked)) {
        this.picked = fresh;
        this.renderDetail();
      }
    }
    if (items.some(isPending) && !this.timer) {
      this.refreshSoon(PENDING_REFRESH_MS);
    }
  }

  private pick(checkpoint: Checkpoint): void {
    this.picked = this.picked?.checkpoint_id === checkpoint.checkpoint_id ? null : checkpoint;
    this.list.refresh();
    this.renderDetail();
  }

  private renderDetail(): void {
    const picked = this.picked;
    if (!picked) {
      this.detail.replaceChildren();
      return;
    }
    this.detail.replaceChildren(
      checkpointDetail(
        this.services,
        picked,
        this.checkpoints.snapshot.items,
        () => {
          this.picked = null;
          this.list.refresh();
          this.renderDetail();
          this.list.node.focus();
        },
        count => {
          picked.comment_count = count;
          this.list.refresh();
        }
      )
    );
  }
}
