// anywidget entry of the run comparison: overlaid curves (one Vega-Lite panel per metric, one
// colour per run; the spec is the panel's Compare view's) from one float64 buffer, and a params
// table highlighting differing params.
import type { AnyModel, RenderProps } from '@anywidget/types';
import type { Result } from 'vega-embed';
import { compareSpec } from '../shared/charts.js';
import { h } from '../shared/dom.js';
import { formatCell, runLabels } from '../shared/format.js';
import { themeColors } from '../shared/theme.js';
import { type CurveSeries, curvePoints } from './buffers.js';
import { embedChart, redrawOnChange } from './render.js';
import { ensureStyle } from './tables.js';

interface CompareRun {
  id: string;
  name: string;
  status: string;
  params: Record<string, unknown>;
}

/** The synced state of `jupyter_mlm.widgets.Compare`. */
interface CompareState {
  runs: CompareRun[];
  metrics: string[];
  params: string[];
  differing: string[];
  series: CurveSeries[];
  data: DataView | null;
  width: number;
  height: number;
}

const REDRAW_ON = 'change:runs change:metrics change:params change:differing change:series change:data change:width change:height';

function paramsTable(model: AnyModel<CompareState>, labels: Record<string, string>): HTMLElement[] {
  const runs = model.get('runs');
  const differing = new Set(model.get('differing'));
  const head = h('tr', {}, h('th', { text: 'param' }), ...runs.map(r => h('th', { text: labels[r.id], title: r.id })));
  const rows = model
    .get('params')
    .map(key =>
      h(
        'tr',
        { className: differing.has(key) ? 'mlm-differs' : '', dataset: { param: key } },
        h('td', { text: key, title: differing.has(key) ? 'differs between runs' : 'same in every run' }),
        ...runs.map(r => h('td', { text: key in r.params ? formatCell(r.params[key]) : '—' }))
      )
    );
  const note = `${differing.size} of ${model.get('params').length} params differ`;
  return [
    h('div', { className: 'mlm-note', text: note }),
    h('table', { className: 'mlm-params' }, h('thead', {}, head), h('tbody', {}, ...rows))
  ];
}

function render({ model, el }: RenderProps<CompareState>): () => void {
  ensureStyle();
  el.classList.add('mlm-table-widget', 'mlm-compare');
  const chart = h('div', { className: 'mlm-compare-chart' });
  const params = h('div', { className: 'mlm-compare-params', attrs: { style: 'margin-top: 8px' } });
  el.append(chart, params);
  let view: Result['view'] | null = null;

  async function draw(): Promise<void> {
    const labels = runLabels(model.get('runs'));
    params.replaceChildren(...paramsTable(model, labels));
    try {
      view?.finalize();
      const size = { width: model.get('width'), height: model.get('height') };
      const result = await embedChart(chart, compareSpec(model.get('metrics'), Object.values(labels), size, themeColors(el)));
      view = result.view;
      await view
        .data('points', curvePoints(model.get('series'), model.get('data'), labels))
        .resize()
        .runAsync();
    } catch (err) {
      console.error('jupyter-mlm compare:', err);
    }
  }
  return redrawOnChange(model, REDRAW_ON, draw, () => view?.finalize());
}

export default { render };
