// What a checkpoint row says: git commit, datasets, runs, recording problems.

import type { Checkpoint, CheckpointGit } from '../api/types.js';
import { formatDateTime, shortCommit, shortHash } from './format.js';

export interface Chip {
  text: string;
  title: string;
}

/** "a1b2c3d*" (the star: uncommitted changes), or what became of the git lookup. */
export function gitLabel(git: CheckpointGit | null): Chip {
  if (!git || git.state === 'none') {
    return { text: 'no git', title: 'The notebook is not in a git repository' };
  }
  switch (git.state) {
    case 'ok': {
      const commit = shortCommit(git.commit);
      const dirty = git.dirty ? '*' : '';
      const where = git.branch ? ` on ${git.branch}` : '';
      const state = git.dirty ? ', with uncommitted changes' : ', clean';
      return { text: `${commit}${dirty}`, title: `commit ${git.commit ?? '?'}${where}${state}` };
    }
    case 'pending':
      return { text: 'git…', title: 'The git state is still being recorded' };
    case 'timeout':
      return { text: 'git ⌛', title: `git did not answer in time${git.detail ? `: ${git.detail}` : ''}` };
    default:
      return { text: 'git ⚠', title: `Reading the git state failed${git.detail ? `: ${git.detail}` : ''}` };
  }
}

/** One chip per dataset: the short content hash, the name and source on hover. */
export function datasetChips(checkpoint: Checkpoint): Chip[] {
  return (checkpoint.datasets ?? []).map(d => ({
    text: shortHash(d.content_id),
    title: [d.name ?? '(unnamed)', d.source, d.content_id, d.origin === 'run' ? 'used by a run' : 'from metadata']
      .filter(Boolean)
      .join('\n')
  }));
}

/** Everything that went wrong while recording this checkpoint, one sentence each. */
export function recordingProblems(checkpoint: Checkpoint): string[] {
  const problems: string[] = [];
  if (checkpoint.error) {
    problems.push(checkpoint.error);
  }
  const git = checkpoint.git;
  if (git && (git.state === 'error' || git.state === 'timeout')) {
    problems.push(`git ${git.state === 'timeout' ? 'timed out' : 'failed'}${git.detail ? `: ${git.detail}` : ''}`);
  }
  if (checkpoint.datasets_state === 'error' || checkpoint.datasets_state === 'timeout') {
    problems.push(`datasets ${checkpoint.datasets_state === 'timeout' ? 'timed out' : 'could not be hashed'}`);
  }
  if (checkpoint.omitted_outputs > 0) {
    problems.push(`${checkpoint.omitted_outputs} large output(s) not stored`);
  }
  return problems;
}

/** True while the server still records parts of it (the panel re-reads it soon). */
export function isPending(checkpoint: Checkpoint): boolean {
  return checkpoint.git?.state === 'pending' || checkpoint.datasets_state === 'pending';
}

/** The author's name as people say it: "Ada Lovelace <ada@example.org>" → "Ada Lovelace". */
export function authorLabel(checkpoint: { author: string; author_name: string | null }): string {
  const name = (checkpoint.author_name ?? '').replace(/\s*<[^>]*>\s*$/, '').trim();
  return name || checkpoint.author || 'unknown';
}

const CHECKPOINT_ID = /\b[0-9a-f]{32}\b/g;

/** A message as shown: the checkpoint ids in it (the server's "before restoring <id>") short,
 * as everywhere else in the panel. */
export function messageLabel(message: string | null | undefined): string {
  return (message ?? '').replace(CHECKPOINT_ID, id => shortHash(id));
}

/** A checkpoint in a picker: time, commit and author tell apart those of the same minute. */
export function checkpointOption(checkpoint: Checkpoint): string {
  const msg = messageLabel(checkpoint.message);
  return [formatDateTime(checkpoint.created_at), gitLabel(checkpoint.git).text, authorLabel(checkpoint), msg].filter(Boolean).join(' · ');
}

/** The one line naming a checkpoint in dialogs and diff titles. */
export function checkpointTitle(checkpoint: Checkpoint): string {
  const msg = checkpoint.message ? ` “${messageLabel(checkpoint.message)}”` : '';
  return `${formatDateTime(checkpoint.created_at)} by ${authorLabel(checkpoint)}${msg}`;
}

/** Titles of the two sides: a checkpoint against the file, another checkpoint, or the commit it
 * was taken on (then the commit is the old side and the checkpoint the new one). */
export function diffSides(
  base: Checkpoint,
  against: Checkpoint | 'current' | 'commit'
): { label: string; caption: string; removed: string; added: string } {
  const id = shortHash(base.checkpoint_id);
  if (against === 'commit') {
    const commit = shortCommit(base.git?.commit);
    return {
      label: `Diff ${commit} → ${id}`,
      caption: `${base.path}: what checkpoint ${checkpointTitle(base)} changed since its git commit ${commit}`,
      removed: `git commit ${commit}`,
      added: `checkpoint ${checkpointTitle(base)}`
    };
  }
  const other = against === 'current' ? 'current file' : shortHash(against.checkpoint_id);
  const otherTitle = against === 'current' ? 'the file as saved now' : `checkpoint ${checkpointTitle(against)}`;
  return {
    label: `Diff ${id} ↔ ${other}`,
    caption: `${base.path}: checkpoint ${checkpointTitle(base)} against ${otherTitle}`,
    removed: `checkpoint ${checkpointTitle(base)}`,
    added: otherTitle
  };
}
