// The messages of the kernel link (jupyter_mlm/kernel_link.py) and what the labextension does
// with a request: save the open notebook (a run starts) or save and checkpoint it
// (%mlm_track checkpoint), then answer with an ack. No JupyterLab imports: unit-tested as is.

/** The comm target the kernel registers at `%load_ext jupyter_mlm`. */
export const KERNEL_LINK_TARGET = 'jupyter_mlm.kernel';

export interface KernelRequest {
  action: 'checkpoint' | 'save';
  request_id: string;
  message: string | null;
  run_id: string | null;
}

export interface KernelAck {
  event: 'ack';
  request_id: string;
  status: 'ok' | 'error';
  checkpoint_id?: string;
  error?: string;
}

/** What answering a request needs from JupyterLab and the server. */
export interface RequestActions {
  /** save the open notebook */
  save(): Promise<void>;
  /** record a checkpoint of the saved notebook (POST /mlm/api/checkpoints) */
  checkpoint(message: string): Promise<{ checkpoint_id: string }>;
  /** why a step failed, for the kernel to print */
  describe(error: unknown): string;
}

function optionalText(value: unknown): string | null | undefined {
  if (value === undefined || value === null) {
    return null;
  }
  return typeof value === 'string' ? value : undefined;
}

/** The request in a comm message's data, or null when it is not one (the `linked` event). */
export function parseKernelRequest(data: unknown): KernelRequest | null {
  if (!data || typeof data !== 'object') {
    return null;
  }
  const { action, request_id, message, run_id } = data as Record<string, unknown>;
  if ((action !== 'checkpoint' && action !== 'save') || typeof request_id !== 'string' || !request_id) {
    return null;
  }
  const text = optionalText(message);
  const run = optionalText(run_id);
  if (text === undefined || run === undefined) {
    return null;
  }
  return { action, request_id, message: text, run_id: run };
}

/** Save (and for `checkpoint`, checkpoint) the notebook; the ack to send back. Never throws. */
export async function answerRequest(request: KernelRequest, actions: RequestActions): Promise<KernelAck> {
  const ack = { event: 'ack', request_id: request.request_id } as const;
  try {
    await actions.save();
    if (request.action === 'save') {
      return { ...ack, status: 'ok' };
    }
    const checkpoint = await actions.checkpoint(request.message ?? '');
    return { ...ack, status: 'ok', checkpoint_id: checkpoint.checkpoint_id };
  } catch (error) {
    return { ...ack, status: 'error', error: actions.describe(error) };
  }
}

/** Whether a `comm_info_reply`'s comms include one with the link's target: the kernel has it. */
export function kernelHasLinkTarget(comms: unknown): boolean {
  if (!comms || typeof comms !== 'object') {
    return false;
  }
  return Object.values(comms as Record<string, unknown>).some(
    comm => !!comm && typeof comm === 'object' && (comm as { target_name?: unknown }).target_name === KERNEL_LINK_TARGET
  );
}
