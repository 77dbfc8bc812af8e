// One entry of the checkpoint timeline (fixed height; the details pane shows the rest).

import type { Checkpoint } from '../api/types.js';
import { authorLabel, datasetChips, gitLabel, messageLabel, recordingProblems } from '../model/checkpointLabels.js';
import { plural } from '../model/format.js';
import { chip, timeEl } from './badges.js';
import { h } from './dom.js';

export const CHECKPOINT_ROW_HEIGHT = 66;

export function checkpointRow(checkpoint: Checkpoint): HTMLElement {
  const git = gitLabel(checkpoint.git);
  const problems = recordingProblems(checkpoint);
  const datasets = datasetChips(checkpoint);
  const runs = checkpoint.runs ?? [];
  return h(
    'div',
    { className: 'jp-mlm-checkpoint' },
    h(
      'div',
      { className: 'jp-mlm-run-line' },
      h('span', { className: 'jp-mlm-dot', attrs: { 'aria-hidden': 'true' } }),
      timeEl(checkpoint.created_at),
      h('span', { className: 'jp-mlm-author', text: authorLabel(checkpoint), title: checkpoint.author }),
      chip(git.text, git.title, `jp-mlm-git${checkpoint.git?.dirty ? ' jp-mlm-dirty' : ''}`),
      checkpoint.restored_from ? chip('restore', `Restored from checkpoint ${checkpoint.restored_from}`) : null,
      problems.length ? chip('⚠', problems.join('\n'), 'jp-mlm-chip-warn') : null
    ),
    h('div', {
      className: `jp-mlm-message${checkpoint.message ? '' : ' jp-mlm-muted'}`,
      text: messageLabel(checkpoint.message) || (checkpoint.restored_from ? 'restored' : 'saved'),
      title: checkpoint.message ?? ''
    }),
    h(
      'div',
      { className: 'jp-mlm-run-line jp-mlm-muted' },
      ...datasets.slice(0, 3).map(d => chip(d.text, d.title, 'jp-mlm-hash')),
      datasets.length > 3 ? h('span', { text: `+${datasets.length - 3}` }) : null,
      runs.length
        ? h('span', {
            text: plural(runs.length, 'run'),
            title: runs.map(r => (r.name === null ? `deleted run ${r.run_id}` : `${r.name} (${r.status})`)).join('\n')
          })
        : null,
      checkpoint.comment_count ? h('span', { text: plural(checkpoint.comment_count, 'comment') }) : null
    )
  );
}
