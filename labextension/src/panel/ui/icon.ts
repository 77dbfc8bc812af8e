// The panel's icon: a rising curve over axes (theme-coloured through the jp-icon3 class).

import { LabIcon } from '@jupyterlab/ui-components';

const svgstr = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 3h2v16h16v2H3z"/>
    <path d="M7.2 16.4l4.1-5.3 3 2.6 4.8-6.9 1.6 1.2-6.1 8.7-3-2.6-2.8 3.5z"/>
    <circle cx="19.6" cy="6.2" r="1.8"/>
  </g>
</svg>`;

export const mlmIcon = new LabIcon({ name: 'jupyter-mlm:panel', svgstr });
