// What the panel's views need from JupyterLab, in one object passed around.

import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { MlmClient } from '../api/client.js';
import type { Checkpoint, Me, Run } from '../api/types.js';

/** The other side of a diff: the file as saved now, the checkpoint's git commit, or another
 * checkpoint. */
export type DiffAgainst = Checkpoint | 'current' | 'commit';

export interface PanelServices {
  app: JupyterFrontEnd;
  client: MlmClient;
  docManager: IDocumentManager;
  tracker: INotebookTracker;
  /** who is signed in (asked once); rejects with the server's error */
  me(): Promise<Me>;
  openCompare(runs: Run[]): void;
  openDiff(checkpoint: Checkpoint, against: DiffAgainst): void;
  /** the views re-read their lists (after a checkpoint, restore or fork) */
  refreshAll(): void;
}

/** The open notebook panel showing `path`, if any. */
export function openNotebook(services: PanelServices, path: string): NotebookPanel | null {
  return services.tracker.find(panel => panel.context.path === path) ?? null;
}
