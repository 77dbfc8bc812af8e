// The labextension's side of the kernel link (jupyter_mlm/kernel_link.py). For each open
// notebook, once its kernel has the `jupyter_mlm.kernel` target (announced at
// `%load_ext jupyter_mlm`, or found with comm_info when the page connects later), open a comm to
// it; over it the kernel asks to save the notebook (a run starts) or to save and checkpoint it
// (`%mlm_track checkpoint`), so what it records holds what the user sees, unsaved edits included.
//
// The notebook panel carries data-mlm-kernel-link="linked" once the kernel has accepted.

import type { ISessionContext } from '@jupyterlab/apputils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { MlmClient } from './api/client.js';
import { describeError } from './api/errors.js';
import { KERNEL_LINK_TARGET, answerRequest, kernelHasLinkTarget, parseKernelRequest } from './model/kernelRequests.js';

type NotebookContext = NotebookPanel['context'];
type CommData = Parameters<Kernel.IComm['send']>[0];

/** Link the kernel of every notebook, open now or later; `checkpointed` runs after a
 * checkpoint the kernel asked for (the panel re-reads its timeline). */
export function linkNotebookKernels(tracker: INotebookTracker, client: MlmClient, checkpointed: () => void): void {
  const links = new WeakMap<NotebookContext, KernelLink>();
  const add = (panel: NotebookPanel): void => {
    let link = links.get(panel.context);
    if (!link) {
      link = new KernelLink(panel.context, client, checkpointed);
      links.set(panel.context, link);
    }
    link.show(panel);
  };
  tracker.forEach(add);
  tracker.widgetAdded.connect((_, panel) => add(panel));
}

/** The link of one notebook (shared by its views) to whichever kernel it runs. */
class KernelLink {
  private kernel: Kernel.IKernelConnection | null = null;
  private comm: Kernel.IComm | null = null;
  private linked = false;
  private restarted = false;
  private readonly panels = new Set<NotebookPanel>();

  constructor(
    private readonly context: NotebookContext,
    private readonly client: MlmClient,
    private readonly checkpointed: () => void
  ) {
    const session: ISessionContext = context.sessionContext;
    session.kernelChanged.connect((_, change) => this.attach(change.newValue));
    this.attach(session.session?.kernel ?? null);
    session.disposed.connect(() => this.attach(null)); // before its kernel connection goes
  }

  show(panel: NotebookPanel): void {
    this.panels.add(panel);
    panel.disposed.connect(() => this.panels.delete(panel));
    this.mark();
  }

  private attach(kernel: Kernel.IKernelConnection | null): void {
    const old = this.kernel;
    if (old && !old.isDisposed) {
      old.removeCommTarget(KERNEL_LINK_TARGET, this.onAnnounce);
      old.statusChanged.disconnect(this.onStatus, this);
      old.connectionStatusChanged.disconnect(this.onConnection, this);
      this.closeComm();
    }
    this.kernel = kernel;
    this.forget();
    if (!kernel || kernel.isDisposed || !kernel.handleComms) {
      return;
    }
    kernel.registerCommTarget(KERNEL_LINK_TARGET, this.onAnnounce);
    kernel.statusChanged.connect(this.onStatus, this);
    kernel.connectionStatusChanged.connect(this.onConnection, this);
    void this.probe(kernel);
  }

  /** The kernel announced the target (`%load_ext jupyter_mlm` ran): keep its comm open. */
  private readonly onAnnounce = (_announce: Kernel.IComm, msg: KernelMessage.ICommOpenMsg): void => {
    const kernel = this.kernel;
    if (kernel && msg.content.target_name === KERNEL_LINK_TARGET) {
      this.open(kernel);
    }
  };

  private onStatus(kernel: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this.forget(); // JupyterLab drops every comm of the old kernel process
      this.restarted = true;
    } else if (status === 'idle' && this.restarted) {
      this.restarted = false; // a startup script may have loaded the extension
      void this.probe(kernel);
    }
  }

  private onConnection(kernel: Kernel.IKernelConnection, status: Kernel.ConnectionStatus): void {
    if (status === 'connected') {
      void this.probe(kernel); // announcements sent while disconnected were missed
    }
  }

  /** Ask the kernel whether it has the target (a comm of it is open): no error in its log
   * when it does not, unlike opening a comm to an unknown target. */
  private async probe(kernel: Kernel.IKernelConnection): Promise<void> {
    if (this.comm) {
      return;
    }
    try {
      await kernel.info;
      const reply = await kernel.requestCommInfo({ target_name: KERNEL_LINK_TARGET });
      if (kernel === this.kernel && reply.content.status === 'ok' && kernelHasLinkTarget(reply.content.comms)) {
        this.open(kernel);
      }
    } catch {
      // the kernel went away or restarted: the next status change probes again
    }
  }

  private open(kernel: Kernel.IKernelConnection): void {
    if ((this.comm && !this.comm.isDisposed) || kernel.isDisposed) {
      return;
    }
    const comm = kernel.createComm(KERNEL_LINK_TARGET);
    comm.onMsg = msg => {
      void this.onMessage(comm, msg); // not awaited: JupyterLab would hold every kernel message
    };
    comm.onClose = () => {
      if (this.comm === comm) {
        this.forget();
      }
    };
    this.comm = comm;
    comm.open({ client: kernel.clientId, path: this.context.path });
  }

  private async onMessage(comm: Kernel.IComm, msg: KernelMessage.ICommMsgMsg): Promise<void> {
    const data = msg.content.data as Record<string, unknown>;
    if (data?.event === 'linked') {
      this.linked = true;
      this.mark();
      return;
    }
    const request = parseKernelRequest(data);
    if (!request) {
      return;
    }
    const ack = await answerRequest(request, {
      save: () => this.context.save(),
      checkpoint: async message => {
        const checkpoint = await this.client.createCheckpoint(this.context.path, message);
        this.checkpointed();
        return checkpoint;
      },
      describe: describeError
    });
    if (!comm.isDisposed) {
      comm.send(ack as unknown as CommData);
    }
  }

  private closeComm(): void {
    const comm = this.comm;
    if (comm && !comm.isDisposed) {
      try {
        comm.close(); // the kernel stops sending to this page
      } catch {
        comm.dispose();
      }
    }
  }

  private forget(): void {
    this.comm = null;
    this.linked = false;
    this.mark();
  }

  private mark(): void {
    for (const panel of this.panels) {
      panel.node.dataset.mlmKernelLink = this.linked ? 'linked' : '';
    }
  }
}
