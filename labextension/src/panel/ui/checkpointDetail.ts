// The details of the checkpoint picked in the timeline: everything recorded, the actions
// (Diff, Restore, Fork) and the comment thread.

import type { Checkpoint } from '../api/types.js';
import { authorLabel, checkpointOption, datasetChips, gitLabel, messageLabel, recordingProblems } from '../model/checkpointLabels.js';
import { formatBytes, formatDateTime, shortHash } from '../model/format.js';
import { forkCheckpoint, restoreCheckpoint } from './actions.js';
import { statusBadgeEl, timeEl } from './badges.js';
import { CommentsThread } from './commentsThread.js';
import { button, h, select } from './dom.js';
import type { PanelServices } from './services.js';

function field(label: string, ...value: Array<Node | string | null>): HTMLElement[] {
  return [h('dt', { text: label }), h('dd', {}, ...value)];
}

/** `others`: the other loaded checkpoints, offered as the other side of a diff. */
export function checkpointDetail(
  services: PanelServices,
  checkpoint: Checkpoint,
  others: readonly Checkpoint[],
  close: () => void,
  onCommentCount: (count: number) => void
): HTMLElement {
  const git = gitLabel(checkpoint.git);
  const problems = recordingProblems(checkpoint);
  const candidates = others.filter(c => c.checkpoint_id !== checkpoint.checkpoint_id).slice(0, 500);
  const against = select(
    [
      ['', candidates.length ? 'another checkpoint…' : 'no other checkpoint loaded'],
      ...candidates.map(c => [c.checkpoint_id, checkpointOption(c)] as const)
    ],
    '',
    () => undefined,
    'Checkpoint to compare with'
  );
  const diffOther = () => {
    const other = candidates.find(c => c.checkpoint_id === against.value);
    if (!other) {
      against.focus();
      return;
    }
    // older on the left
    const [base, remote] = other.created_at < checkpoint.created_at ? [other, checkpoint] : [checkpoint, other];
    services.openDiff(base, remote);
  };
  const datasets = datasetChips(checkpoint);
  const runs = checkpoint.runs ?? [];
  const gitValue =
    checkpoint.git?.state === 'ok'
      ? `${checkpoint.git.commit ?? '?'}${checkpoint.git.branch ? ` on ${checkpoint.git.branch}` : ''}${checkpoint.git.dirty ? ' (uncommitted changes)' : ''}`
      : git.title;
  return h(
    'section',
    { className: 'jp-mlm-detail', attrs: { 'aria-label': 'Checkpoint details' } },
    h(
      'div',
      { className: 'jp-mlm-detail-head' },
      h('h3', { className: 'jp-mlm-subtitle', text: `Checkpoint ${shortHash(checkpoint.checkpoint_id)}` }),
      button('Close', close, { className: 'jp-mlm-link-button', title: 'Close the details' })
    ),
    h(
      'dl',
      { className: 'jp-mlm-fields' },
      ...field('Time', timeEl(checkpoint.created_at), ` (${formatDateTime(checkpoint.created_at)})`),
      ...field('Author', `${authorLabel(checkpoint)} (${checkpoint.author})`),
      ...field('Git', gitValue),
      ...field('Message', messageLabel(checkpoint.message) || '—'),
      ...field(
        'Datasets',
        datasets.length
          ? h(
              'ul',
              { className: 'jp-mlm-plain-list' },
              ...datasets.map((d, i) => h('li', { title: d.title }, h('code', { text: d.text }), ` ${checkpoint.datasets[i].name ?? ''}`))
            )
          : checkpoint.datasets_state === 'pending'
            ? 'being hashed…'
            : 'none'
      ),
      ...field(
        'Runs',
        runs.length
          ? h(
              'ul',
              { className: 'jp-mlm-plain-list' },
              ...runs.map(r => h('li', { title: r.run_id }, statusBadgeEl(r.status), ` ${r.name ?? 'deleted run'}`))
            )
          : 'none'
      ),
      ...field('Size', `${formatBytes(checkpoint.size)}${checkpoint.outputs_shared ? '' : ', outputs not stored'}`),
      ...(checkpoint.restored_from ? field('Restored from', shortHash(checkpoint.restored_from)) : []),
      ...(problems.length
        ? field(
            'Recording problems',
            h('ul', { className: 'jp-mlm-plain-list jp-mlm-warning' }, ...problems.map(p => h('li', { text: p })))
          )
        : [])
    ),
    h(
      'div',
      { className: 'jp-mlm-actions' },
      button('Diff with current', () => services.openDiff(checkpoint, 'current'), {
        title: 'Show what changed in the file since this checkpoint'
      }),
      ...(checkpoint.git?.state === 'ok' && checkpoint.git.commit
        ? [
            button('Diff with its commit', () => services.openDiff(checkpoint, 'commit'), {
              title: 'Show what this checkpoint changed since the git commit it was taken on (read from git)'
            })
          ]
        : []),
      button('Restore…', () => void restoreCheckpoint(services, checkpoint), {
        title: 'Replace the file with this checkpoint (asks first; the current file is checkpointed)'
      }),
      button('Fork', () => void forkCheckpoint(services, checkpoint), {
        title: 'Copy this checkpoint into a new notebook next to the original and open it'
      })
    ),
    h(
      'div',
      { className: 'jp-mlm-control-row' },
      against,
      button('Diff', diffOther, { title: 'Compare with the checkpoint chosen on the left' })
    ),
    new CommentsThread(services, 'checkpoint', checkpoint.checkpoint_id, onCommentCount).node
  );
}
