import { describe, expect, it } from 'vitest';
import {
  authorLabel,
  checkpointOption,
  checkpointTitle,
  datasetChips,
  diffSides,
  gitLabel,
  isPending,
  messageLabel,
  recordingProblems
} from '../src/panel/model/checkpointLabels.js';
import { checkpoint } from './fixtures.js';

describe('checkpoint labels', () => {
  it('shows the short commit with a star when the tree was dirty', () => {
    const git = { state: 'ok' as const, commit: 'a1b2c3d4e5f6', branch: 'main', dirty: true, detail: null };
    expect(gitLabel(git)).toEqual({ text: 'a1b2c3d*', title: 'commit a1b2c3d4e5f6 on main, with uncommitted changes' });
    expect(gitLabel({ ...git, dirty: false }).text).toBe('a1b2c3d');
  });

  it('says what became of the git lookup when there is no commit', () => {
    expect(gitLabel(null).text).toBe('no git');
    expect(gitLabel({ state: 'pending', commit: null, branch: null, dirty: null, detail: null }).text).toBe('git…');
    expect(gitLabel({ state: 'error', commit: null, branch: null, dirty: null, detail: 'bad object' }).title).toContain('bad object');
  });

  it('shows datasets as short hashes with their names on hover', () => {
    const cp = checkpoint('c1', {
      datasets: [{ content_id: 'blake3:deadbeef0123456789', name: 'train', source: 'data/train/', origin: 'run' }]
    });
    const [chip] = datasetChips(cp);
    expect(chip.text).toBe('deadbeef');
    expect(chip.title).toContain('train');
    expect(chip.title).toContain('data/train/');
  });

  it('collects every recording failure', () => {
    const cp = checkpoint('c1', {
      error: 'notebook too large',
      git: { state: 'timeout', commit: null, branch: null, dirty: null, detail: null },
      datasets_state: 'error',
      omitted_outputs: 2
    });
    expect(recordingProblems(cp)).toEqual([
      'notebook too large',
      'git timed out',
      'datasets could not be hashed',
      '2 large output(s) not stored'
    ]);
    expect(recordingProblems(checkpoint('ok'))).toEqual([]);
  });

  it('knows when parts are still being recorded, and names the author', () => {
    expect(isPending(checkpoint('c', { datasets_state: 'pending' }))).toBe(true);
    expect(isPending(checkpoint('c'))).toBe(false);
    expect(authorLabel({ author: 'ada', author_name: null })).toBe('ada');
    expect(authorLabel({ author: 'ada', author_name: 'Ada Lovelace <ada@example.org>' })).toBe('Ada Lovelace');
    expect(checkpointTitle(checkpoint('c', { created_at: Date.UTC(2026, 0, 2, 3, 4) / 1000, message: 'tuned' }))).toBe(
      '2026-01-02 03:04 by Ada Lovelace “tuned”'
    );
  });

  it('shows the checkpoint ids in messages short, and tells same-minute checkpoints apart', () => {
    const id = '9ba54e6ecdaa47919adacc0cb6491f2e';
    expect(messageLabel(`before restoring ${id}`)).toBe('before restoring 9ba54e6e');
    expect(messageLabel('tuned lr 0.3')).toBe('tuned lr 0.3');
    expect(messageLabel(null)).toBe('');
    const git = { state: 'ok' as const, commit: 'c346f7d40e55', branch: 'main', dirty: true, detail: null };
    const at = Date.UTC(2026, 0, 2, 3, 4) / 1000;
    expect(checkpointOption(checkpoint('c', { created_at: at, git, message: null }))).toBe('2026-01-02 03:04 · c346f7d* · Ada Lovelace');
    expect(checkpointOption(checkpoint('c', { created_at: at, git, message: `before restoring ${id}` }))).toBe(
      '2026-01-02 03:04 · c346f7d* · Ada Lovelace · before restoring 9ba54e6e'
    );
  });

  it('names the two sides of a diff: the file, another checkpoint, or the git commit', () => {
    const base = checkpoint('aaaaaaaa11112222', {
      git: { state: 'ok', commit: 'c0ffee1234567890', branch: 'main', dirty: true, detail: null }
    });
    const withCommit = diffSides(base, 'commit');
    expect(withCommit.label).toBe('Diff c0ffee1 → aaaaaaaa');
    expect(withCommit.removed).toBe('git commit c0ffee1');
    expect(withCommit.added).toContain('checkpoint');
    const withFile = diffSides(base, 'current');
    expect(withFile.label).toBe('Diff aaaaaaaa ↔ current file');
    expect(withFile.added).toBe('the file as saved now');
    const other = checkpoint('bbbbbbbb33334444');
    expect(diffSides(base, other).label).toBe('Diff aaaaaaaa ↔ bbbbbbbb');
  });
});
