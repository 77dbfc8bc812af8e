// Chart colours from JupyterLab's CSS variables, so charts follow the light and dark themes.

import type { ThemeColors } from '../model/compareSpec.js';

function cssVar(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim();
}

export function themeColors(el: Element): ThemeColors {
  return {
    text: cssVar(el, '--jp-ui-font-color1') || 'currentColor',
    muted: cssVar(el, '--jp-ui-font-color2') || 'currentColor',
    grid: cssVar(el, '--jp-border-color2') || 'currentColor',
    font: cssVar(el, '--jp-ui-font-family') || 'sans-serif'
  };
}

/** Calls `redraw` when the JupyterLab theme changes; returns the function that stops watching. */
export function onThemeChange(redraw: () => void): () => void {
  const observer = new MutationObserver(redraw);
  observer.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'] });
  return () => observer.disconnect();
}
