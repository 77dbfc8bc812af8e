// The stylesheet of the table widgets (leaderboard, compare, parallel coordinates), theme-aware
// through JupyterLab's CSS variables.

import { h } from '../shared/dom.js';

const CSS = `
.mlm-table-widget { font-family: var(--jp-ui-font-family, sans-serif); font-size: var(--jp-ui-font-size1, 13px);
  color: var(--jp-ui-font-color1, #212121); }
.mlm-table-widget .mlm-bar { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
.mlm-table-widget input[type="search"] { background: var(--jp-input-background, transparent); color: inherit;
  border: 1px solid var(--jp-border-color1, #bdbdbd); border-radius: 2px; padding: 3px 6px; min-width: 16em; }
.mlm-table-widget .mlm-note { color: var(--jp-ui-font-color2, #616161); }
.mlm-table-widget .mlm-scroll { max-height: 420px; overflow: auto; }
.mlm-table-widget table { border-collapse: collapse; }
.mlm-table-widget th, .mlm-table-widget td { padding: 3px 10px; text-align: left; white-space: nowrap;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); }
.mlm-table-widget th { position: sticky; top: 0; background: var(--jp-layout-color1, #fff); font-weight: 600;
  user-select: none; }
.mlm-table-widget th.mlm-sortable { cursor: pointer; }
.mlm-table-widget td.mlm-num { text-align: right; font-variant-numeric: tabular-nums; }
.mlm-table-widget tr.mlm-selected td { background: rgba(127, 127, 127, 0.16); }
.mlm-table-widget tbody tr:hover td { background: rgba(127, 127, 127, 0.1); }
.mlm-table-widget .mlm-status-running { color: var(--jp-success-color1, #388e3c); }
.mlm-table-widget .mlm-status-failed, .mlm-table-widget .mlm-status-crashed { color: var(--jp-error-color1, #d32f2f); }
.mlm-table-widget tr.mlm-differs td { background: rgba(245, 124, 0, 0.2); } /* readable on light and dark */
.mlm-table-widget tr.mlm-differs td:first-child { font-weight: 600; }
`;

/** Add the widgets' stylesheet to the document once. */
export function ensureStyle(): void {
  if (document.getElementById('mlm-table-widget-css')) {
    return;
  }
  document.head.append(h('style', { attrs: { id: 'mlm-table-widget-css' }, text: CSS }));
}
