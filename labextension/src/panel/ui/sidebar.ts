// The left side panel: a header naming the notebook in focus and three tabs (Runs,
// Checkpoints, Datasets) that follow it.

import type { ISessionContext } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Panel, Widget } from '@lumino/widgets';
import { CheckpointsView } from './checkpointsView.js';
import { DatasetsView } from './datasetsView.js';
import { h } from './dom.js';
import { RunsView } from './runsView.js';
import type { Section } from './section.js';
import type { PanelServices } from './services.js';

export class MlmSidebar extends Panel {
  readonly runs: RunsView;
  readonly checkpoints: CheckpointsView;
  readonly datasets: DatasetsView;
  private readonly sections: Section[];
  private readonly tabs: HTMLButtonElement[];
  private readonly pathLabel = h('div', { className: 'jp-mlm-path' });
  private notebook: NotebookPanel | null = null;
  private kernelBusy = false;

  constructor(services: PanelServices, onSelectionChanged: () => void) {
    super();
    this.addClass('jp-mlm-sidebar');
    this.runs = new RunsView(services, onSelectionChanged);
    this.checkpoints = new CheckpointsView(services);
    this.datasets = new DatasetsView(services, id => this.runs.runName(id));
    this.sections = [this.runs, this.checkpoints, this.datasets];
    this.tabs = this.sections.map((section, i) => {
      section.id = `jp-mlm-section-${section.label.toLowerCase()}`;
      const tab = h('button', {
        className: 'jp-mlm-tab',
        text: section.label,
        attrs: { type: 'button', role: 'tab', 'aria-controls': section.id, id: `${section.id}-tab` }
      });
      tab.addEventListener('click', () => this.showSection(i));
      tab.addEventListener('keydown', event => this.onTabKey(event, i));
      section.node.setAttribute('role', 'tabpanel');
      section.node.setAttribute('aria-labelledby', `${section.id}-tab`);
      return tab;
    });
    const header = new Widget({
      node: h(
        'div',
        { className: 'jp-mlm-header' },
        h('h2', { className: 'jp-mlm-header-title', text: 'Model management' }),
        this.pathLabel,
        h('div', { className: 'jp-mlm-tabs', attrs: { role: 'tablist', 'aria-label': 'Model management sections' } }, ...this.tabs)
      )
    });
    this.addWidget(header);
    for (const section of this.sections) {
      this.addWidget(section);
    }
    this.showSection(0);
    this.setNotebook(null);
  }

  /** Follow this notebook (null when none is open). */
  setNotebook(panel: NotebookPanel | null): void {
    if (this.notebook) {
      this.notebook.context.pathChanged.disconnect(this.onPathChanged, this);
      this.notebook.context.saveState.disconnect(this.onSaveState, this);
      this.notebook.sessionContext.statusChanged.disconnect(this.onKernelStatus, this);
    }
    this.notebook = panel;
    this.kernelBusy = false;
    if (panel) {
      panel.context.pathChanged.connect(this.onPathChanged, this);
      panel.context.saveState.connect(this.onSaveState, this);
      panel.sessionContext.statusChanged.connect(this.onKernelStatus, this);
    }
    this.followPath(panel?.context.path ?? null);
  }

  /** Every tab re-reads from the server (now if shown, else when shown). */
  refreshAll(): void {
    for (const section of this.sections) {
      section.invalidate();
    }
  }

  showSection(index: number): void {
    this.sections.forEach((section, i) => {
      const active = i === index;
      this.tabs[i].setAttribute('aria-selected', String(active));
      this.tabs[i].tabIndex = active ? 0 : -1;
      this.tabs[i].classList.toggle('jp-mlm-tab-active', active);
      section.setHidden(!active);
    });
  }

  private followPath(path: string | null): void {
    this.pathLabel.textContent = path ?? 'No notebook in focus';
    this.pathLabel.title = path ? `Showing the runs, checkpoints and datasets of ${path}` : 'Open a notebook';
    for (const section of this.sections) {
      section.setPath(path);
    }
  }

  private onPathChanged(_: unknown, path: string): void {
    this.followPath(path);
  }

  private onSaveState(_: unknown, state: string): void {
    if (state === 'completed') {
      // the server records the checkpoint of a save; read the timeline once it is there
      this.checkpoints.refreshAfterSave();
    }
  }

  /** Cells start runs: re-read the runs when the kernel starts working (a long cell's runs
   * show while they train, then refresh themselves) and when it is done. */
  private onKernelStatus(_: ISessionContext, status: string): void {
    if (status === 'busy' && !this.kernelBusy) {
      this.kernelBusy = true;
      this.runs.refreshAfterCell(false);
    } else if (status === 'idle' && this.kernelBusy) {
      this.kernelBusy = false;
      this.runs.refreshAfterCell(true);
    }
  }

  private onTabKey(event: KeyboardEvent, index: number): void {
    const n = this.tabs.length;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % n
        : event.key === 'ArrowLeft'
          ? (index + n - 1) % n
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? n - 1
              : -1;
    if (next >= 0) {
      event.preventDefault();
      this.showSection(next);
      this.tabs[next].focus();
    }
  }
}
