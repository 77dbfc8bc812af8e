import { describe, expect, it } from 'vitest';
import {
  KERNEL_LINK_TARGET,
  type RequestActions,
  answerRequest,
  kernelHasLinkTarget,
  parseKernelRequest
} from '../src/panel/model/kernelRequests.js';

/** Actions that record what was asked, in order. */
function recorder(fail: { save?: Error; checkpoint?: Error } = {}) {
  const done: string[] = [];
  const actions: RequestActions = {
    save: async () => {
      done.push('save');
      if (fail.save) {
        throw fail.save;
      }
    },
    checkpoint: async message => {
      done.push(`checkpoint:${message}`);
      if (fail.checkpoint) {
        throw fail.checkpoint;
      }
      return { checkpoint_id: 'c0ffee' };
    },
    describe: error => (error instanceof Error ? error.message : String(error))
  };
  return { done, actions };
}

describe('kernel requests', () => {
  it('reads the requests the kernel sends', () => {
    expect(parseKernelRequest({ action: 'checkpoint', request_id: 'r1', message: 'with my edit', run_id: null })).toEqual({
      action: 'checkpoint',
      request_id: 'r1',
      message: 'with my edit',
      run_id: null
    });
    expect(parseKernelRequest({ action: 'save', request_id: 'r2', run_id: 'abc' })).toEqual({
      action: 'save',
      request_id: 'r2',
      message: null,
      run_id: 'abc'
    });
  });

  it('ignores anything else', () => {
    for (const data of [
      null,
      'save',
      { event: 'linked' },
      { action: 'delete', request_id: 'r' },
      { action: 'save' },
      { action: 'save', request_id: '' },
      { action: 'checkpoint', request_id: 'r', message: 3 },
      { action: 'save', request_id: 'r', run_id: {} }
    ]) {
      expect(parseKernelRequest(data)).toBeNull();
    }
  });

  it('saves, then checkpoints with the message, and acks with the checkpoint', async () => {
    const { done, actions } = recorder();
    const ack = await answerRequest({ action: 'checkpoint', request_id: 'r1', message: 'm', run_id: null }, actions);
    expect(done).toEqual(['save', 'checkpoint:m']);
    expect(ack).toEqual({ event: 'ack', request_id: 'r1', status: 'ok', checkpoint_id: 'c0ffee' });
  });

  it('checkpoints without a message as an empty one', async () => {
    const { done, actions } = recorder();
    await answerRequest({ action: 'checkpoint', request_id: 'r1', message: null, run_id: null }, actions);
    expect(done).toEqual(['save', 'checkpoint:']);
  });

  it('only saves when a run starts', async () => {
    const { done, actions } = recorder();
    const ack = await answerRequest({ action: 'save', request_id: 'r2', message: null, run_id: 'run' }, actions);
    expect(done).toEqual(['save']);
    expect(ack).toEqual({ event: 'ack', request_id: 'r2', status: 'ok' });
  });

  it('reports a failed save without checkpointing the file on disk', async () => {
    const { done, actions } = recorder({ save: new Error('File Save Error: permission denied') });
    const ack = await answerRequest({ action: 'checkpoint', request_id: 'r3', message: 'm', run_id: null }, actions);
    expect(done).toEqual(['save']);
    expect(ack).toEqual({ event: 'ack', request_id: 'r3', status: 'error', error: 'File Save Error: permission denied' });
  });

  it('reports a failed checkpoint', async () => {
    const { actions } = recorder({ checkpoint: new Error('store unavailable [503]') });
    const ack = await answerRequest({ action: 'checkpoint', request_id: 'r4', message: 'm', run_id: null }, actions);
    expect(ack.status).toBe('error');
    expect(ack.error).toBe('store unavailable [503]');
  });

  it("finds the link's target among the kernel's comms", () => {
    expect(kernelHasLinkTarget({ a: { target_name: 'jupyter.widget' }, b: { target_name: KERNEL_LINK_TARGET } })).toBe(true);
    expect(kernelHasLinkTarget({ a: { target_name: 'jupyter.widget' } })).toBe(false);
    expect(kernelHasLinkTarget({})).toBe(false);
    expect(kernelHasLinkTarget(undefined)).toBe(false);
  });
});
