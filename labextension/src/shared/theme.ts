// Chart colours from JupyterLab's CSS variables, so the panel's and the widgets' charts follow
// the light and dark themes.

/** What a chart spec needs of the theme. */
export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  font: string;
}

export interface ThemeColors extends ChartColors {
  /** the colour of the run a live chart follows */
  accent: string;
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** True when JupyterLab (or, outside it, the OS) uses a dark theme. */
export function isDark(): boolean {
  const light = document.body.dataset.jpThemeLight;
  if (light !== undefined) {
    return light === 'false';
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** Font, text and grid colours of the current theme, read from JupyterLab's CSS variables. */
export function themeColors(el: Element): ThemeColors {
  const dark = isDark();
  return {
    text: cssVar(el, '--jp-ui-font-color1', dark ? '#e0e0e0' : '#212121'),
    muted: cssVar(el, '--jp-ui-font-color2', dark ? '#bdbdbd' : '#616161'),
    grid: cssVar(el, '--jp-border-color2', dark ? '#424242' : '#e0e0e0'),
    accent: dark ? '#64b5f6' : '#1565c0',
    font: cssVar(el, '--jp-ui-font-family', 'sans-serif')
  };
}

/** Calls `redraw` when the JupyterLab theme changes; returns the function that stops watching. */
export function onThemeChange(redraw: () => void): () => void {
  const observer = new MutationObserver(redraw);
  observer.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'] });
  return () => observer.disconnect();
}
