import { describe, expect, it } from 'vitest';
import { cellRow, diffItems, diffSummary, lineDiff } from '../src/panel/model/diff.js';
import { cell } from './fixtures.js';

describe('line diff', () => {
  it('marks the lines kept, removed and added between two sources', () => {
    const lines = lineDiff('import numpy\nx = 1\nprint(x)\n', 'import numpy\nx = 2\nprint(x)');
    expect(lines).toEqual([
      { op: 'same', text: 'import numpy' },
      { op: 'removed', text: 'x = 1' },
      { op: 'added', text: 'x = 2' },
      { op: 'same', text: 'print(x)' }
    ]);
  });

  it('handles empty sides and Windows line ends', () => {
    expect(lineDiff('', 'a\r\nb')).toEqual([
      { op: 'added', text: 'a' },
      { op: 'added', text: 'b' }
    ]);
    expect(lineDiff('a', null)).toEqual([{ op: 'removed', text: 'a' }]);
  });
});

describe('cell rows', () => {
  it('shows an added cell as added lines and a removed cell as removed lines', () => {
    const added = cellRow(cell({ status: 'added', base_index: null, remote_index: 2, source_base: null, source_remote: 'a\nb' }));
    expect(added).toMatchObject({ status: 'added', position: 'cell 3', label: 'added' });
    expect(added.lines.map(l => l.op)).toEqual(['added', 'added']);
    const removed = cellRow(cell({ status: 'removed', base_index: 0, remote_index: null, source_base: 'gone', source_remote: null }));
    expect(removed).toMatchObject({ status: 'removed', position: 'cell 1', label: 'removed' });
    expect(removed.lines).toEqual([{ op: 'removed', text: 'gone' }]);
  });

  it('names a moved cell by both positions and says what changed', () => {
    const row = cellRow(
      cell({ status: 'modified', base_index: 1, remote_index: 3, source_base: 'x', source_remote: 'y', outputs_changed: true })
    );
    expect(row.position).toBe('cell 2 → 4');
    expect(row.label).toBe('changed (source and outputs)');
  });

  it('shows a cell with only new outputs as changed outputs, not unchanged', () => {
    const row = cellRow(cell({ status: 'unchanged', source_base: 'fit()', source_remote: 'fit()', outputs_changed: true }));
    expect(row.status).toBe('modified');
    expect(row.label).toBe('outputs changed');
    expect(row.lines).toEqual([{ op: 'same', text: 'fit()' }]);
  });

  it('folds stretches of unchanged cells and summarises the diff', () => {
    const cells = [
      cell({ source_base: 'a', source_remote: 'a' }),
      cell({ base_index: 1, remote_index: 1, source_base: 'b', source_remote: 'b' }),
      cell({ status: 'modified', base_index: 2, remote_index: 2, source_base: 'c', source_remote: 'C' }),
      cell({ status: 'added', base_index: null, remote_index: 3, source_remote: 'd' }),
      cell({ base_index: 3, remote_index: 4, source_base: 'e', source_remote: 'e' })
    ];
    expect(diffItems(cells).map(i => (i.kind === 'cell' ? i.row.status : `unchanged×${i.rows.length}`))).toEqual([
      'unchanged×2',
      'modified',
      'added',
      'unchanged×1'
    ]);
    expect(diffSummary(cells)).toMatchObject({ added: 1, removed: 0, modified: 1, unchanged: 3, text: '1 added, 1 changed, 3 unchanged' });
    expect(diffSummary([cell({})]).text).toBe('no changes');
  });
});
