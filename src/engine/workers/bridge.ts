import * as Comlink from 'comlink';
import { JobCancelledError, restoreError, WorkerCrashedError } from './errors';

/** Every worker API has `cancel`, so a job can be stopped cooperatively between steps. */
export interface CancellableApi {
  cancel(jobId: string): void;
}

export interface JobOptions<P> {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: P) => void) | undefined;
}

export interface JobContext<P> {
  jobId: string;
  /** A comlink proxy of the caller's progress callback (or a no-op). */
  progress: ((progress: P) => void) & Comlink.ProxyMarked;
}

export interface BridgeEvents {
  /** The worker died (and will restart on the next call). */
  onCrash?: (error: WorkerCrashedError) => void;
  /** A fresh worker was started (the first one, or after a crash or idle shutdown). */
  onStart?: (generation: number) => void;
}

export interface BridgeOptions extends BridgeEvents {
  name: string;
  create: () => Worker;
  /** Terminate the worker after this long without calls (0 = never). */
  idleMs?: number;
  /** After a cancel, wait this long for the job to stop before terminating the worker. */
  cancelGraceMs?: number;
}

interface Live<Api> {
  worker: Worker;
  remote: Comlink.Remote<Api>;
  /** Rejects every pending call when the worker dies. */
  died: Promise<never>;
}

let nextJob = 0;

/**
 * The main-thread side of one worker: lazily created, wrapped with comlink, shut down when
 * idle, restarted after a crash. Calls get progress callbacks and AbortSignal cancellation.
 */
export class WorkerBridge<Api extends CancellableApi> {
  private live: Live<Api> | null = null;
  private pending = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor(private readonly options: BridgeOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** How many workers this bridge has started (1 after the first call; +1 per restart). */
  get starts(): number {
    return this.generation;
  }

  get running(): boolean {
    return this.live !== null;
  }

  private start(): Live<Api> {
    const worker = this.options.create();
    let fail: (e: WorkerCrashedError) => void = () => undefined;
    const died = new Promise<never>((_, reject) => {
      fail = reject;
    });
    died.catch(() => undefined);
    const onDeath = (detail: string): void => {
      if (this.live?.worker !== worker) return;
      const error = new WorkerCrashedError(this.options.name, detail);
      this.dispose();
      fail(error);
      this.options.onCrash?.(error);
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      onDeath(event.message || 'uncaught error');
    });
    worker.addEventListener('messageerror', () => onDeath('a message could not be read'));
    const live: Live<Api> = { worker, remote: Comlink.wrap<Api>(worker), died };
    this.live = live;
    this.generation += 1;
    this.options.onStart?.(this.generation);
    return live;
  }

  /** Ends the worker now (pending calls reject as crashed). */
  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const live = this.live;
    this.live = null;
    if (live) {
      live.remote[Comlink.releaseProxy]();
      live.worker.terminate();
    }
  }

  /** Run `fn` against the worker's API. */
  async call<R, P = never>(
    fn: (api: Comlink.Remote<Api>, ctx: JobContext<P>) => Promise<R>,
    options: JobOptions<P> = {},
  ): Promise<R> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new JobCancelledError();
    const live = this.live ?? this.start();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.pending += 1;
    const jobId = `${this.options.name}-${++nextJob}`;
    const progress = Comlink.proxy((p: P) => {
      if (!signal?.aborted) onProgress?.(p);
    });
    let onAbort: (() => void) | null = null;
    const aborted = new Promise<never>((_, reject) => {
      if (!signal) return;
      onAbort = () => {
        reject(new JobCancelledError());
        void live.remote.cancel(jobId);
        const grace = this.options.cancelGraceMs ?? 3000;
        const timer = setTimeout(() => {
          // The job ignored the cancel: stop the worker; the next call starts a fresh one.
          if (this.live === live) this.dispose();
        }, grace);
        settled.finally(() => clearTimeout(timer)).catch(() => undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    const settled = fn(live.remote, { jobId, progress });
    settled.catch(() => undefined);
    try {
      return await Promise.race([settled, live.died, aborted]);
    } catch (err) {
      throw restoreError(err);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      this.pending -= 1;
      this.scheduleIdle();
    }
  }

  private scheduleIdle(): void {
    const idle = this.options.idleMs ?? 0;
    if (!idle || this.pending > 0 || !this.live) return;
    this.idleTimer = setTimeout(() => {
      if (this.pending === 0) this.dispose();
    }, idle);
  }
}
