/**
 * The Gram products on several CPU threads, kept between matrices. The raw representations go
 * into shared memory once; every helper thread centres and packs its own copy (in parallel),
 * then takes row panels (largest first) as it becomes free, and the panels' shares are added in
 * panel order, so the result does not depend on the timing. The threads stay up for the next
 * matrix (starting a module worker costs tens of milliseconds) and are shut down after
 * `idleMs` without work, or at once when a job is cancelled or fails (a thread may still be
 * busy with a panel of it).
 */
import type { GramKernel } from '../../src/core/cka/gramDots';
import type { ThreadMessage, ThreadReply, ThreadSetup } from './gramThread.worker';

/** Threads worth starting here (1 = stay on this thread). */
export function cpuThreads(): number {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

export interface ThreadedGram {
  S: Float64Array;
  kernel: GramKernel;
  /** Time from the call until every thread had its copy of the data, ms. */
  setupMs: number;
  /** Threads this job started (0 when the pool's threads were already up). */
  started: number;
}

/** Representations as one shared block: float32 when every one is float32, else float64. */
function shareAll(reps: readonly (Float32Array | Float64Array)[]): Float32Array | Float64Array {
  const total = reps.reduce((s, x) => s + x.length, 0);
  const f32 = reps.every((x) => x instanceof Float32Array);
  const shared = f32
    ? new Float32Array(new SharedArrayBuffer(total * 4))
    : new Float64Array(new SharedArrayBuffer(total * 8));
  let off = 0;
  for (const x of reps) {
    shared.set(x, off);
    off += x.length;
  }
  return shared;
}

export class GramThreadPool {
  private workers: Worker[] = [];
  private idle: ReturnType<typeof setTimeout> | undefined;
  private jobs = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly idleMs = 30_000) {}

  /** S (m×m, symmetric) of the raw (uncentred) representations, one job at a time. */
  run(
    reps: readonly (Float32Array | Float64Array)[],
    dims: readonly number[],
    n: number,
    threads: number,
    onPanel: (share: number) => Promise<void> | void,
    kernel: 'auto' | GramKernel = 'auto',
  ): Promise<ThreadedGram> {
    const next = this.queue.then(() => this.job(reps, dims, n, threads, onPanel, kernel));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Stops every thread now. */
  shutdown(): void {
    clearTimeout(this.idle);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  private ensure(count: number): number {
    clearTimeout(this.idle);
    let started = 0;
    while (this.workers.length < count) {
      this.workers.push(
        new Worker(new URL('./gramThread.worker.ts', import.meta.url), {
          type: 'module',
          name: `diffprobe-cka-thread-${this.workers.length}`,
        }),
      );
      started++;
    }
    return started;
  }

  private async job(
    reps: readonly (Float32Array | Float64Array)[],
    dims: readonly number[],
    n: number,
    threads: number,
    onPanel: (share: number) => Promise<void> | void,
    kernel: 'auto' | GramKernel,
  ): Promise<ThreadedGram> {
    const t0 = performance.now();
    const m = reps.length;
    const job = ++this.jobs;
    // panels of about n/(4·threads) rows, a multiple of 4 (the WASM kernels' row groups); the
    // later ones (longer rows) go first
    const P = Math.max(4, Math.ceil(n / (16 * threads)) * 4);
    const panels: [number, number][] = [];
    for (let r0 = 0; r0 < n; r0 += P) panels.push([r0, Math.min(n, r0 + P)]);
    const order = panels.map((_, i) => i).reverse();
    const count = Math.min(threads, panels.length);
    const started = this.ensure(count);
    const workers = this.workers.slice(0, count);
    const setup: ThreadSetup = {
      kind: 'setup',
      job,
      data: shareAll(reps),
      dims: [...dims],
      n,
      panel: P,
      kernel,
    };
    const results: Float64Array[] = new Array<Float64Array>(panels.length);
    const kernels = new Set<GramKernel>();
    const totalWork = (n * (n + 1)) / 2;
    let doneWork = 0;
    let setupMs = 0;
    let ok = false;
    try {
      await new Promise<void>((resolve, reject) => {
        let next = 0;
        let finished = 0;
        let ready = 0;
        const give = (w: Worker): void => {
          const index = order[next++];
          if (index === undefined) return;
          const [r0, r1] = panels[index]!;
          const task: ThreadMessage = { kind: 'panel', job, index, r0, r1 };
          w.postMessage(task);
        };
        for (const w of workers) {
          w.onerror = (e) =>
            reject(new Error(`a CKA thread failed: ${e.message || 'unknown error'}`));
          w.onmessage = (e: MessageEvent<ThreadReply>) => {
            const reply = e.data;
            if (reply.job !== job) return;
            if (reply.kind === 'error') {
              reject(new Error(`a CKA thread failed: ${reply.message}`));
              return;
            }
            if (reply.kind === 'ready') {
              kernels.add(reply.kernel);
              if (++ready === workers.length) setupMs = performance.now() - t0;
              return;
            }
            results[reply.index] = reply.S;
            const [r0, r1] = panels[reply.index]!;
            doneWork += (r1 * (r1 + 1) - r0 * (r0 + 1)) / 2;
            finished++;
            Promise.resolve(onPanel(doneWork / totalWork)).then(() => {
              if (finished === panels.length) resolve();
              else give(w);
            }, reject);
          };
          w.postMessage(setup);
          give(w);
        }
      });
      ok = true;
    } finally {
      if (ok) {
        for (const w of workers) w.postMessage({ kind: 'release' } satisfies ThreadMessage);
        this.idle = setTimeout(() => this.shutdown(), this.idleMs);
      } else this.shutdown();
    }
    const S = new Float64Array(m * m);
    for (const part of results) for (let k = 0; k < S.length; k++) S[k]! += part[k]!;
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) S[j * m + i] = S[i * m + j]!;
    // every thread runs in the same browser, so they all pick the same kernel
    const ran: GramKernel = kernels.size === 1 ? [...kernels][0]! : 'js';
    return { S, kernel: ran, setupMs, started };
  }
}
