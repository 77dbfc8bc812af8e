// anywidget entry of the parallel-coordinates chart (the spec: parallelSpec.ts).
import type { RenderProps } from '@anywidget/types';
import type { Result } from 'vega-embed';
import { h } from '../shared/dom.js';
import { themeColors } from '../shared/theme.js';
import type { Axis, ParallelRow } from './parallelSpec.js';
import { parallelSpec } from './parallelSpec.js';
import { embedChart, redrawOnChange } from './render.js';
import { ensureStyle } from './tables.js';

/** The synced state of `jupyter_mlm.widgets.ParallelCoordinates`. */
interface ParallelState {
  axes: Axis[];
  rows: ParallelRow[];
  metric: string;
  goal: 'min' | 'max';
  total: number;
  width: number;
  height: number;
}

const REDRAW_ON = 'change:axes change:rows change:metric change:goal change:total change:width change:height';

function render({ model, el }: RenderProps<ParallelState>): () => void {
  ensureStyle();
  el.classList.add('mlm-table-widget', 'mlm-parallel');
  const note = h('div', { className: 'mlm-note' });
  const chart = h('div', { className: 'mlm-parallel-chart' });
  el.append(note, chart);
  let view: Result['view'] | null = null;

  async function draw(): Promise<void> {
    const axes = model.get('axes');
    const rows = model.get('rows');
    const total = model.get('total');
    const shown = rows.length < total ? `best ${rows.length} of ${total} runs` : `${rows.length} runs`;
    note.textContent = `${shown} by ${model.get('goal')} ${model.get('metric')}`;
    try {
      view?.finalize();
      view = null;
      if (!rows.length) {
        chart.replaceChildren(h('div', { className: 'mlm-note', text: 'no run logged this metric' }));
        return;
      }
      const opts = { width: model.get('width'), height: model.get('height'), metric: model.get('metric'), goal: model.get('goal') };
      const result = await embedChart(chart, parallelSpec(axes, rows, opts, themeColors(el)));
      view = result.view;
    } catch (err) {
      console.error('jupyter-mlm parallel coordinates:', err);
    }
  }
  return redrawOnChange(model, REDRAW_ON, draw, () => view?.finalize());
}

export default { render };
