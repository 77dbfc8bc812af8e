// The actions that change files: checkpoint with a message, restore, fork. Each asks first
// when it replaces something, and reports failures in a dialog (never silently).

import { Dialog, InputDialog, Notification, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';
import { describeError } from '../api/errors.js';
import type { Checkpoint } from '../api/types.js';
import { checkpointTitle } from '../model/checkpointLabels.js';
import { shortHash } from '../model/format.js';
import { h } from './dom.js';
import { type PanelServices, openNotebook } from './services.js';

/** Save the notebook, then record a checkpoint of it with a message asked from the user. */
export async function checkpointWithMessage(services: PanelServices, panel: NotebookPanel): Promise<Checkpoint | null> {
  const path = panel.context.path;
  const answer = await InputDialog.getText({
    title: 'Checkpoint with message',
    label: `Message for this checkpoint of ${path}`,
    placeholder: 'e.g. baseline with dropout 0.2',
    okLabel: 'Checkpoint'
  });
  if (!answer.button.accept) {
    return null;
  }
  try {
    await panel.context.save();
    const checkpoint = await services.client.createCheckpoint(path, (answer.value ?? '').trim());
    Notification.success(`Checkpoint of ${path} recorded`, { autoClose: 4000 });
    services.refreshAll();
    return checkpoint;
  } catch (error) {
    await showErrorMessage('Checkpoint failed', describeError(error));
    return null;
  }
}

/** Replace the file with a checkpoint's content, after confirmation; the open notebook is
 * saved and checkpointed first when it has unsaved changes, then shows the restored content. */
export async function restoreCheckpoint(services: PanelServices, checkpoint: Checkpoint): Promise<void> {
  const panel = openNotebook(services, checkpoint.path);
  const dirty = !!panel?.context.model.dirty;
  const body = h(
    'div',
    { className: 'jp-mlm-dialog' },
    h('p', { text: `Replace ${checkpoint.path} with the checkpoint of ${checkpointTitle(checkpoint)}?` }),
    h('p', { text: 'The current file is checkpointed first, so this can be undone from the timeline.' }),
    dirty
      ? h('p', {
          className: 'jp-mlm-warning',
          text: 'The open notebook has unsaved changes: they will be saved and checkpointed before the restore.'
        })
      : null
  );
  const result = await showDialog({
    title: 'Restore checkpoint',
    body: new Widget({ node: body }),
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: dirty ? 'Save, checkpoint and restore' : 'Restore' })]
  });
  if (!result.button.accept) {
    return;
  }
  try {
    if (panel && dirty) {
      await panel.context.save();
      await services.client.createCheckpoint(checkpoint.path, `Unsaved changes before restoring ${shortHash(checkpoint.checkpoint_id)}`);
    }
    const restored = await services.client.restore(checkpoint.checkpoint_id);
    if (panel) {
      await panel.context.revert();
    }
    services.refreshAll();
    const undo = restored.undo_checkpoint; // null when there was no file to save first
    Notification.success(`Restored ${restored.path} to ${checkpointTitle(checkpoint)}`, {
      autoClose: 8000,
      actions: undo
        ? [
            {
              label: 'Undo',
              caption: 'Restore the version saved just before',
              callback: () => void restoreCheckpoint(services, undo)
            }
          ]
        : []
    });
  } catch (error) {
    services.refreshAll();
    await showErrorMessage('Restore failed', describeError(error));
  }
}

/** Copy a checkpoint into a new notebook next to the original and open it. */
export async function forkCheckpoint(services: PanelServices, checkpoint: Checkpoint): Promise<void> {
  try {
    const fork = await services.client.fork(checkpoint.checkpoint_id);
    services.docManager.openOrReveal(fork.path);
    Notification.success(`Forked into ${fork.path}`, { autoClose: 4000 });
  } catch (error) {
    await showErrorMessage('Fork failed', describeError(error));
  }
}
