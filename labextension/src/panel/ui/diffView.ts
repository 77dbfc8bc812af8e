// The Diff view (main area): a checkpoint against the current file or another checkpoint,
// cell by cell (added, removed, changed, unchanged folded), with the source lines marked.

import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { Checkpoint, CheckpointDiff } from '../api/types.js';
import { diffSides } from '../model/checkpointLabels.js';
import { type CellRow, type DiffLine, diffItems, diffSummary } from '../model/diff.js';
import { plural } from '../model/format.js';
import { button, h } from './dom.js';
import { errorBox, loadingLine } from './notices.js';
import type { DiffAgainst, PanelServices } from './services.js';

const MARK: Record<DiffLine['op'], string> = { same: ' ', added: '+', removed: '−' };

function lines(row: CellRow): HTMLElement {
  if (!row.lines.length) {
    return h('div', { className: 'jp-mlm-muted jp-mlm-diff-empty', text: '(empty cell)' });
  }
  return h(
    'pre',
    { className: 'jp-mlm-diff-source' },
    ...row.lines.map(line =>
      h(
        'div',
        { className: `jp-mlm-diff-line jp-mlm-line-${line.op}` },
        h('span', { className: 'jp-mlm-diff-mark', text: MARK[line.op], attrs: { 'aria-label': line.op === 'same' ? null : line.op } }),
        h('span', { text: line.text || ' ' })
      )
    )
  );
}

function cellBlock(row: CellRow): HTMLElement {
  return h(
    'article',
    { className: `jp-mlm-diff-cell jp-mlm-cell-${row.status}`, attrs: { 'aria-label': `${row.position}: ${row.label}` } },
    h(
      'header',
      { className: 'jp-mlm-diff-cell-head' },
      h('span', { className: `jp-mlm-badge jp-mlm-diff-badge-${row.status}`, text: row.label }),
      h('span', { text: `${row.position} · ${row.cellType}` })
    ),
    lines(row),
    row.outputsChanged ? h('div', { className: 'jp-mlm-muted jp-mlm-diff-note', text: 'The outputs of this cell changed.' }) : null
  );
}

function unchangedRun(rows: CellRow[]): HTMLElement {
  const content = h('div', { className: 'jp-mlm-diff-folded' });
  const label = `${plural(rows.length, 'unchanged cell')} (${rows[0].position}${rows.length > 1 ? ` … ${rows[rows.length - 1].position}` : ''})`;
  const toggle = button(
    `Show ${label}`,
    () => {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      toggle.textContent = `${open ? 'Show' : 'Hide'} ${label}`;
      content.replaceChildren(...(open ? [] : rows.map(cellBlock)));
    },
    { className: 'jp-mlm-link-button' }
  );
  toggle.setAttribute('aria-expanded', 'false');
  return h('div', { className: 'jp-mlm-diff-unchanged' }, toggle, content);
}

export class DiffView extends Widget {
  private readonly content = h('div', { className: 'jp-mlm-diff-content' });

  constructor(
    private readonly services: PanelServices,
    private readonly base: Checkpoint,
    private readonly against: DiffAgainst
  ) {
    super();
    this.addClass('jp-mlm-diff');
    const sides = diffSides(base, against);
    this.title.label = sides.label;
    this.title.caption = sides.caption;
    this.node.append(
      h('h2', { className: 'jp-mlm-title', text: base.path }),
      h(
        'p',
        { className: 'jp-mlm-diff-sides' },
        h('span', { className: 'jp-mlm-line-removed', text: `− ${sides.removed}` }),
        h('br'),
        h('span', { className: 'jp-mlm-line-added', text: `+ ${sides.added}` })
      ),
      this.content
    );
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    void this.load();
  }

  private async load(): Promise<void> {
    this.content.replaceChildren(loadingLine('Computing the diff…'));
    let diff: CheckpointDiff;
    try {
      const against = typeof this.against === 'string' ? this.against : this.against.checkpoint_id;
      diff = await this.services.client.diff(this.base.checkpoint_id, against);
    } catch (error) {
      this.content.replaceChildren(errorBox(error, () => void this.load(), 'Computing the diff'));
      return;
    }
    const cells = diff.cells ?? [];
    const summary = diffSummary(cells);
    this.content.replaceChildren(
      h('p', { className: 'jp-mlm-status-line', text: `${plural(cells.length, 'cell')}: ${summary.text}`, attrs: { role: 'status' } }),
      ...diffItems(cells).map(item => (item.kind === 'cell' ? cellBlock(item.row) : unchangedRun(item.rows)))
    );
  }
}
