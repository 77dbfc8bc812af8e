// anywidget entry of the leaderboard table: sort by a column header, filter by substring over
// names and params, tick rows to select runs (synced to the kernel as `selected` run ids).
import type { RenderProps } from '@anywidget/types';
import { h } from '../shared/dom.js';
import { formatCell } from '../shared/format.js';
import { type LeaderboardRow, compareKeys, matches, sortKey } from './leaderboardRows.js';
import { ensureStyle } from './tables.js';

/** The synced state of `jupyter_mlm.widgets.Leaderboard`. */
interface LeaderboardState {
  rows: LeaderboardRow[];
  columns: string[];
  metric: string;
  goal: 'min' | 'max';
  grouped: boolean;
  selected: string[];
  running: boolean;
}

const REDRAW_ON = 'change:rows change:columns change:metric change:grouped change:running change:selected';

function render({ model, el }: RenderProps<LeaderboardState>): () => void {
  ensureStyle();
  el.classList.add('mlm-table-widget', 'mlm-leaderboard');
  const filter = h('input', { attrs: { type: 'search', placeholder: 'filter runs and params…' } });
  const note = h('span', { className: 'mlm-note' });
  const table = h('table');
  el.append(h('div', { className: 'mlm-bar' }, filter, note), h('div', { className: 'mlm-scroll' }, table));
  let sort = { column: 'rank', desc: false };

  function select(ids: readonly string[], on: boolean): void {
    const now = new Set(model.get('selected'));
    for (const id of ids) {
      if (on) {
        now.add(id);
      } else {
        now.delete(id);
      }
    }
    model.set('selected', [...now]);
    model.save_changes();
  }

  function header(label: string, column: string): HTMLElement {
    const arrow = sort.column === column ? (sort.desc ? ' ▼' : ' ▲') : '';
    const th = h('th', { className: 'mlm-sortable', text: label + arrow, dataset: { column } });
    th.addEventListener('click', () => {
      sort = { column, desc: sort.column === column ? !sort.desc : false };
      draw();
    });
    return th;
  }

  function draw(): void {
    const rows = model.get('rows');
    const columns = model.get('columns');
    const grouped = model.get('grouped');
    const selected = new Set(model.get('selected'));
    const needle = filter.value.trim().toLowerCase();
    const shown = rows.filter(r => matches(r, needle));
    const sign = sort.desc ? -1 : 1;
    shown.sort((a, b) => sign * compareKeys(sortKey(a, sort.column), sortKey(b, sort.column)) || a.rank - b.rank);

    const all = h('input', { title: 'select all shown', attrs: { type: 'checkbox' } });
    const shownIds = shown.flatMap(r => r.run_ids);
    all.checked = shownIds.length > 0 && shownIds.every(id => selected.has(id));
    all.addEventListener('change', () => select(shownIds, all.checked));
    const head = h('tr', {}, h('th', {}, all), header('#', 'rank'), header(model.get('metric') || 'value', 'value'));
    if (grouped) {
      head.append(header('runs', 'count'));
    }
    head.append(header(grouped ? 'names' : 'name', 'name'), header('status', 'status'));
    for (const c of columns) {
      head.append(header(c, `param:${c}`));
    }

    const body = shown.map(row => {
      const on = row.run_ids.every(id => selected.has(id));
      const box = h('input', { attrs: { type: 'checkbox' } });
      box.checked = on;
      box.addEventListener('change', () => select(row.run_ids, box.checked));
      const value = grouped && row.count > 1 ? `${formatCell(row.value)} ± ${formatCell(row.std)}` : formatCell(row.value);
      const tr = h(
        'tr',
        { className: on ? 'mlm-selected' : '', dataset: { runIds: row.run_ids.join(' '), rank: String(row.rank) } },
        h('td', {}, box),
        h('td', { className: 'mlm-num', text: String(row.rank) }),
        h('td', { className: 'mlm-num', text: value })
      );
      if (grouped) {
        tr.append(h('td', { className: 'mlm-num', text: String(row.count) }));
      }
      tr.append(
        h('td', { text: row.names.join(', '), title: row.run_ids.join('\n') }),
        h('td', { className: row.status ? `mlm-status-${row.status}` : '', text: row.status || '' })
      );
      for (const c of columns) {
        tr.append(h('td', { text: formatCell(row.params[c]) }));
      }
      return tr;
    });
    table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
    const picked = model.get('selected').length;
    note.textContent =
      `${shown.length} of ${rows.length} rows` +
      (picked ? ` · ${picked} run${picked > 1 ? 's' : ''} selected` : '') +
      (model.get('running') ? ' · refreshing while runs train' : '');
  }

  filter.addEventListener('input', draw);
  model.on(REDRAW_ON, draw);
  draw();
  return () => model.off(REDRAW_ON, draw);
}

export default { render };
