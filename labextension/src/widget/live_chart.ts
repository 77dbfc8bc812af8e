// anywidget entry of the live metric chart: the kernel streams new points as float64 buffers,
// every view of the model draws them from one bounded store with vega-embed.
import type { AnyModel, InitializeProps, RenderProps } from '@anywidget/types';
import type { Result } from 'vega-embed';
import { type LiveSeries, liveChartSpec } from '../shared/charts.js';
import { ema } from '../shared/downsample.js';
import { onThemeChange, themeColors } from '../shared/theme.js';
import { embedChart } from './render.js';
import { SeriesStore } from './store.js';

/** The synced state of `jupyter_mlm.widgets.LiveChart`. */
interface LiveChartState {
  series: LiveSeries[];
  /** the metrics shown; null: all */
  metrics: string[] | null;
  x: 'step' | 'time';
  smoothing: number;
  log_y: boolean;
  width: number;
  height: number;
  title: string;
  _chart_id: string;
}

type Model = AnyModel<LiveChartState>;

// widget manager -> chart id -> store. anywidget hands each view (and initialize) its own
// proxy of the model, so the proxy cannot be the key: the model's `_chart_id` is. Per
// manager, because two managers on one kernel (a notebook and a console) each get every
// message of the chart.
const STORES = new WeakMap<object, Map<string, SeriesStore>>();
const NO_MANAGER = {};
const REDRAW_ON = 'change:series change:metrics change:x change:smoothing change:log_y change:width change:height change:title';

/** The model's store, shared by all its views in this page; created once. */
function storeFor(model: Model): SeriesStore {
  const owner = model.widget_manager ?? NO_MANAGER;
  let stores = STORES.get(owner);
  if (!stores) {
    stores = new Map();
    STORES.set(owner, stores);
  }
  const id = model.get('_chart_id');
  let store = stores.get(id);
  if (!store) {
    store = new SeriesStore(model.get('width') || 640);
    stores.set(id, store);
  }
  return store;
}

/** Feed the store from the kernel: every message from now on, and a "hello" that asks for
 * the whole series so far (a "reset"). Returns the function that stops it. */
function connect(model: Model, store: SeriesStore): () => void {
  const receive = (msg: unknown, buffers: DataView[]) => store.receive(msg, buffers);
  const forget = () => STORES.get(model.widget_manager ?? NO_MANAGER)?.delete(model.get('_chart_id'));
  model.on('msg:custom', receive);
  model.on('destroy', forget);
  store.feeds += 1;
  model.send({ type: 'hello' });
  return () => {
    model.off('msg:custom', receive);
    model.off('destroy', forget);
    store.feeds -= 1;
  };
}

function shownMetrics(model: Model): string[] {
  const wanted = model.get('metrics');
  const all: string[] = [];
  for (const s of model.get('series')) {
    if (!all.includes(s.metric)) {
      all.push(s.metric);
    }
  }
  return wanted ? all.filter(m => wanted.includes(m)) : all;
}

/** Rows for the "points" dataset: {s, m, r, x, y, ys}. */
function rows(model: Model, store: SeriesStore, metrics: readonly string[]): Record<string, unknown>[] {
  const logY = model.get('log_y');
  const out = [];
  for (const s of model.get('series')) {
    const data = store.series.get(s.id);
    if (!data || !metrics.includes(s.metric)) {
      continue;
    }
    const smooth = ema(data.y, model.get('smoothing'));
    for (let i = 0; i < data.x.length; i++) {
      const y = data.y[i];
      if (!Number.isFinite(y) || (logY && y <= 0)) {
        continue;
      }
      out.push({ s: s.id, m: s.metric, r: s.run, x: data.x[i], y, ys: smooth[i] });
    }
  }
  return out;
}

// Fed from the model's creation on (not from a view's), so a view opened later has it all.
function initialize({ model }: InitializeProps<LiveChartState>): () => void {
  return connect(model, storeFor(model));
}

function render({ model, el }: RenderProps<LiveChartState>): () => void {
  const store = storeFor(model);
  const disconnect = store.feeds > 0 ? null : connect(model, store); // a host without initialize
  el.classList.add('mlm-live-chart');
  el.dataset.mlmChart = 'live';
  const box = document.createElement('div');
  el.appendChild(box);
  let view: Result['view'] | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let specDirty = true;
  let drawing = false;
  let lastDraw = -Infinity;

  async function draw(): Promise<void> {
    timer = null;
    if (drawing) {
      schedule();
      return;
    }
    drawing = true;
    lastDraw = performance.now();
    try {
      const metrics = shownMetrics(model);
      if (specDirty || view === null) {
        specDirty = false;
        view?.finalize();
        const opts = {
          x: model.get('x'),
          smoothing: model.get('smoothing'),
          logY: model.get('log_y'),
          width: model.get('width'),
          height: model.get('height'),
          title: model.get('title')
        };
        const result = await embedChart(box, liveChartSpec(model.get('series'), metrics, opts, themeColors(el)));
        view = result.view;
      }
      // resize(): the facet grid grows with the data, and the canvas must follow it
      const data = rows(model, store, metrics);
      await view.data('points', data).resize().runAsync();
      el.dataset.points = String(data.length); // hook for the browser tests: points drawn
    } catch (err) {
      console.error('jupyter-mlm live chart:', err);
    } finally {
      drawing = false;
    }
  }

  // At most ten redraws a second, however fast points arrive; points after a quiet spell are
  // drawn at once (leading edge), later ones wait for the rest of the 100 ms.
  function schedule(): void {
    if (timer !== null) {
      return;
    }
    timer = setTimeout(draw, Math.max(0, 100 - (performance.now() - lastDraw)));
  }
  function respec(): void {
    specDirty = true;
    schedule();
  }

  const unsubscribe = store.subscribe(schedule);
  model.on(REDRAW_ON, respec);
  const stopWatchingTheme = onThemeChange(respec);
  draw();

  return () => {
    disconnect?.();
    unsubscribe();
    model.off(REDRAW_ON, respec);
    stopWatchingTheme();
    if (timer !== null) {
      clearTimeout(timer);
    }
    view?.finalize();
  };
}

export default { initialize, render };
