// The Compare view (main area): the selected runs' curves overlaid, one panel per metric,
// drawn with the same bundled Vega as the in-cell widgets, and their params side by side.

import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { MetricSeries, Run } from '../api/types.js';
import { compareSpec } from '../../shared/charts.js';
import { onThemeChange, themeColors } from '../../shared/theme.js';
import { compareMetrics, paramRows, runLabels, seriesPoints } from '../model/compareSpec.js';
import { formatParam, formatValue, plural } from '../model/format.js';
import { statusBadgeEl } from './badges.js';
import { h } from './dom.js';
import { errorBox, loadingLine } from './notices.js';
import type { PanelServices } from './services.js';

const POINTS_PER_CURVE = 1000;
const PARALLEL_REQUESTS = 4;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class CompareView extends Widget {
  private readonly chart = h('div', { className: 'jp-mlm-compare-chart' });
  private readonly chartStatus = h('div');
  private series: Array<{ run: string; data: MetricSeries }> = [];
  private metrics: string[] = [];
  private finalize: (() => void) | null = null;
  private stopWatchingTheme: () => void = () => undefined;
  private resizeTimer = 0;
  /** a redraw asked for while hidden (a theme change): a hidden node has no width to fit */
  private redrawWhenShown = false;

  constructor(
    private readonly services: PanelServices,
    private readonly runs: Run[]
  ) {
    super();
    this.addClass('jp-mlm-compare');
    this.title.label = `Compare ${plural(runs.length, 'run')}`;
    this.title.caption = runs.map(r => r.name || r.run_id).join(', ');
    this.node.append(
      h('h2', { className: 'jp-mlm-title', text: `Comparing ${plural(runs.length, 'run')}` }),
      this.runsTable(),
      this.chartStatus,
      this.chart,
      this.paramsTable()
    );
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.stopWatchingTheme = onThemeChange(() => void this.draw());
    void this.load();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this.redrawWhenShown) {
      this.redrawWhenShown = false;
      void this.draw();
    }
  }

  protected onBeforeDetach(msg: Message): void {
    this.stopWatchingTheme();
    super.onBeforeDetach(msg);
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    window.clearTimeout(this.resizeTimer);
    this.resizeTimer = window.setTimeout(() => void this.draw(), 150);
  }

  dispose(): void {
    window.clearTimeout(this.resizeTimer);
    this.finalize?.();
    super.dispose();
  }

  private async load(): Promise<void> {
    this.metrics = compareMetrics(this.runs);
    if (!this.metrics.length) {
      this.chartStatus.replaceChildren(h('p', { className: 'jp-mlm-muted', text: 'These runs logged no metrics: nothing to draw.' }));
      return;
    }
    this.chartStatus.replaceChildren(loadingLine('Loading curves…'));
    const labels = runLabels(this.runs);
    const wanted = this.runs.flatMap(run => this.metrics.filter(m => m in (run.metrics ?? {})).map(metric => ({ run, metric })));
    try {
      const loaded = await mapLimited(wanted, PARALLEL_REQUESTS, async ({ run, metric }) => ({
        run: labels[run.run_id],
        data: await this.services.client.metricSeries(run.run_id, metric, POINTS_PER_CURVE)
      }));
      this.series = loaded;
    } catch (error) {
      this.chartStatus.replaceChildren(errorBox(error, () => void this.load(), 'Loading the curves'));
      return;
    }
    const downsampled = this.series.some(s => s.data.downsampled);
    this.chartStatus.replaceChildren(
      downsampled ? h('p', { className: 'jp-mlm-muted', text: `Long curves are downsampled to ${POINTS_PER_CURVE} points.` }) : ''
    );
    await this.draw();
  }

  private async draw(): Promise<void> {
    if (!this.series.length || !this.isAttached) {
      return;
    }
    if (!this.isVisible) {
      this.redrawWhenShown = true;
      return;
    }
    const labels = runLabels(this.runs);
    const columns = Math.max(1, Math.min(this.metrics.length, 2));
    const available = Math.max(320, this.node.clientWidth - 48);
    const width = Math.max(200, Math.floor(available / columns) - 140);
    const spec = compareSpec(
      this.metrics,
      this.runs.map(r => labels[r.run_id]),
      { width, height: 220 },
      themeColors(this.node)
    );
    (spec as { datasets?: unknown }).datasets = { points: seriesPoints(this.series) };
    try {
      const { default: embed } = await import('vega-embed');
      const result = await embed(this.chart, spec as never, { actions: false, renderer: 'canvas' });
      this.finalize?.();
      this.finalize = () => result.finalize();
    } catch (error) {
      this.chartStatus.replaceChildren(errorBox(error, undefined, 'Drawing the chart'));
    }
  }

  private runsTable(): HTMLElement {
    const metrics = compareMetrics(this.runs);
    return h(
      'table',
      { className: 'jp-mlm-table' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { text: 'run' }), h('th', { text: 'status' }), ...metrics.map(m => h('th', { text: `${m} (last)` })))
      ),
      h(
        'tbody',
        {},
        ...this.runs.map(run =>
          h(
            'tr',
            {},
            h('td', { text: run.name || run.run_id, title: run.run_id }),
            h('td', {}, statusBadgeEl(run.status)),
            ...metrics.map(m => h('td', { className: 'jp-mlm-num', text: formatValue(run.metrics?.[m]?.last) }))
          )
        )
      )
    );
  }

  private paramsTable(): HTMLElement {
    const rows = paramRows(this.runs);
    const labels = runLabels(this.runs);
    const differ = rows.filter(r => r.differs).length;
    if (!rows.length) {
      return h('p', { className: 'jp-mlm-muted', text: 'These runs logged no params.' });
    }
    return h(
      'section',
      { attrs: { 'aria-label': 'Params' } },
      h('h3', { className: 'jp-mlm-subtitle', text: `Params: ${differ} of ${rows.length} differ` }),
      h(
        'table',
        { className: 'jp-mlm-table jp-mlm-params' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { text: 'param' }), ...this.runs.map(r => h('th', { text: labels[r.run_id], title: r.run_id })))
        ),
        h(
          'tbody',
          {},
          ...rows.map(row =>
            h(
              'tr',
              { className: row.differs ? 'jp-mlm-differs' : '' },
              h('th', {
                text: row.key,
                title: row.differs ? 'differs between the runs' : 'the same in every run',
                attrs: { scope: 'row' }
              }),
              ...row.values.map(v => h('td', { text: formatParam(v) }))
            )
          )
        )
      )
    );
  }
}
