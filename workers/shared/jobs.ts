import { WorkerFailure } from '../../src/protocol/errors';

/**
 * Worker-side job registry: every long call gets a job id from the main thread and an
 * AbortSignal here; `cancel(id)` (called through comlink while the job awaits) aborts it.
 */
export class JobRegistry {
  private readonly controllers = new Map<string, AbortController>();

  start(id: string): AbortSignal {
    const controller = new AbortController();
    this.controllers.set(id, controller);
    return controller.signal;
  }

  finish(id: string): void {
    this.controllers.delete(id);
  }

  cancel(id: string): void {
    this.controllers.get(id)?.abort();
  }

  async run<R>(id: string, job: (signal: AbortSignal) => Promise<R>): Promise<R> {
    const signal = this.start(id);
    try {
      return await job(signal);
    } finally {
      this.finish(id);
    }
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new WorkerFailure('cancelled', 'cancelled');
}

/**
 * Lets queued messages (a `cancel` call) run: onnxruntime's promises can resolve without
 * leaving the microtask queue, so a loop of runs would otherwise never see the cancel.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Yields to the event loop, then throws if the job was cancelled meanwhile. */
export async function checkpoint(signal: AbortSignal): Promise<void> {
  await yieldToEventLoop();
  throwIfCancelled(signal);
}
