// The JupyterLab plugin of jupyter-mlm: the "Model management" side panel, its main-area
// Compare and Diff views, and the command palette commands.

import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { INotebookTracker } from '@jupyterlab/notebook';
import type { Widget } from '@lumino/widgets';
import { MlmClient } from './panel/api/client.js';
import { serverTransport } from './panel/api/transport.js';
import type { Me } from './panel/api/types.js';
import { CommandIDs } from './panel/commands.js';
import { linkNotebookKernels } from './panel/kernelLink.js';
import { checkpointWithMessage } from './panel/ui/actions.js';
import { CompareView } from './panel/ui/compareView.js';
import { DiffView } from './panel/ui/diffView.js';
import { mlmIcon } from './panel/ui/icon.js';
import type { PanelServices } from './panel/ui/services.js';
import { MlmSidebar } from './panel/ui/sidebar.js';

const CATEGORY = 'Model Management';
let viewCount = 0;

function openInMain(app: JupyterFrontEnd, content: Widget, kind: string): void {
  const widget = new MainAreaWidget({ content });
  widget.id = `jp-mlm-${kind}-${++viewCount}`;
  widget.title.label = content.title.label;
  widget.title.caption = content.title.caption;
  widget.title.icon = mlmIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
}

function activate(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  docManager: IDocumentManager,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null
): void {
  const client = new MlmClient(serverTransport());
  let me: Promise<Me> | null = null;
  const services: PanelServices = {
    app,
    client,
    docManager,
    tracker,
    me: () =>
      (me ??= client.me().catch(error => {
        me = null; // ask again next time
        throw error;
      })),
    openCompare: runs => openInMain(app, new CompareView(services, runs), 'compare'),
    openDiff: (checkpoint, against) => openInMain(app, new DiffView(services, checkpoint, against), 'diff'),
    refreshAll: () => sidebar.refreshAll()
  };

  const sidebar = new MlmSidebar(services, () => app.commands.notifyCommandChanged(CommandIDs.compare));
  sidebar.id = 'jupyter-mlm-panel';
  sidebar.title.icon = mlmIcon;
  sidebar.title.caption = 'Model management';
  app.shell.add(sidebar, 'left', { rank: 650 });
  restorer?.add(sidebar, 'jupyter-mlm-panel');

  tracker.currentChanged.connect((_, panel) => {
    sidebar.setNotebook(panel);
    app.commands.notifyCommandChanged(CommandIDs.checkpoint);
  });
  sidebar.setNotebook(tracker.currentWidget);
  linkNotebookKernels(tracker, client, () => sidebar.refreshAll());

  app.commands.addCommand(CommandIDs.open, {
    label: 'Open Model Management Panel',
    caption: 'Runs, checkpoints and datasets of the notebook in focus',
    icon: mlmIcon,
    execute: () => app.shell.activateById(sidebar.id)
  });
  app.commands.addCommand(CommandIDs.checkpoint, {
    label: 'Checkpoint Notebook with Message…',
    caption: 'Save the notebook in focus and record a checkpoint with a message',
    isEnabled: () => tracker.currentWidget !== null,
    execute: async () => {
      const panel = tracker.currentWidget;
      if (panel) {
        await checkpointWithMessage(services, panel);
      }
    }
  });
  app.commands.addCommand(CommandIDs.compare, {
    label: 'Compare Selected Runs',
    caption: 'Open the runs selected in the Model management panel side by side (two or more)',
    isEnabled: () => sidebar.runs.selection.length >= 2,
    execute: () => sidebar.runs.compare()
  });
  for (const command of [CommandIDs.open, CommandIDs.checkpoint, CommandIDs.compare]) {
    palette?.addItem({ command, category: CATEGORY });
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlm:panel',
  description: 'The Model management side panel: runs, checkpoints and datasets of the notebook in focus.',
  autoStart: true,
  requires: [INotebookTracker, IDocumentManager],
  optional: [ICommandPalette, ILayoutRestorer],
  activate
};

export default plugin;
