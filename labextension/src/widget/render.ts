// What the chart widgets share: drawing a Vega-Lite spec with the bundled vega-embed, and
// redrawing on model changes and theme switches.

import embed, { type Result, type VisualizationSpec } from 'vega-embed';
import { onThemeChange } from '../shared/theme.js';

/** The part of an anywidget model that says when it changes. */
export interface ModelEvents {
  on(events: string, callback: () => void): void;
  off(events: string, callback: () => void): void;
}

/** Draw `spec` into `el` on a canvas, with the export menu only. */
export function embedChart(el: HTMLElement, spec: Record<string, unknown>): Promise<Result> {
  return embed(el, spec as VisualizationSpec, {
    mode: 'vega-lite',
    renderer: 'canvas',
    actions: { export: true, source: false, compiled: false, editor: false }
  });
}

/** Call `draw` (at most every 50 ms) when one of `events` fires on the model or the
 * JupyterLab theme changes, and once now; returns the cleanup for anywidget's render. */
export function redrawOnChange(model: ModelEvents, events: string, draw: () => unknown, finalize: () => void): () => void {
  let pending: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (pending === null) {
      pending = setTimeout(() => {
        pending = null;
        draw();
      }, 50);
    }
  };
  model.on(events, schedule);
  const stopWatchingTheme = onThemeChange(schedule);
  draw();
  return () => {
    model.off(events, schedule);
    stopWatchingTheme();
    if (pending !== null) {
      clearTimeout(pending);
    }
    finalize();
  };
}
