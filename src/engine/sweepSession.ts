import { bestCell, emptyGrid, planSweep, setCell } from '../core/heads/sweep';
import type { BestCell } from '../core/heads/sweep';
import { stratifiedSubset } from '../core/heads/subset';
import { checkTrainConfig } from '../core/heads/optim';
import type { TrainConfig } from '../core/heads/optim';
import { useAppStore } from '../store';
import { unetEngine } from './appRuntime';
import type { LabeledImages, LabeledSplit } from './datasetAccess';
import { currentDataset } from './datasetAccess';
import { JobCancelledError, userMessage } from './errors';
import { extractSplits } from './headsFeatures';
import type { SplitFeatures } from './headsFeatures';
import { HEADS_NOISE_SEED, headsEngine } from './headsRuntime';
import { diffusionManifest } from './headsSession';

let running: AbortController | null = null;

/**
 * Images per U-Net pass in the sweep's extraction. On WASM (2 cores, 19 blocks, pool 2, cache on)
 * 64 was the fastest of 16, 32 and 64 (≈29, 30.5 and 31 img/s in reduced sweeps); a batch takes
 * about 2 s there, which bounds how long a cancel waits.
 */
export const SWEEP_BATCH = 64;
/** The store (and so the panel) hears about extraction progress at most this often. */
const PROGRESS_MS = 250;

/** What the last sweep did and how long it took (for the console and the bench). */
export interface SweepStats {
  status: 'done' | 'cancelled' | 'error';
  images: { train: number; test: number };
  timesteps: number[];
  blocks: number;
  cells: number;
  batchSize: number;
  /** Wall time of the extract calls (they overlap training). */
  featureMs: number;
  /** Wall time of the probes' training calls (they overlap extraction). */
  trainMs: number;
  totalMs: number;
  /** (image, t) pairs whose features the sweep used (from the cache or computed). */
  passes: number;
  fromCache: number;
  /** Images the U-Net actually ran on, and its forward calls (one per batch, all blocks). */
  computed: number;
  forwardCalls: number;
  best: BestCell | null;
}

let lastStats: SweepStats | null = null;

export function lastSweepStats(): SweepStats | null {
  return lastStats;
}

export interface SweepOptions {
  /** Images per U-Net pass (default SWEEP_BATCH). */
  batchSize?: number;
  /** Read and fill the feature cache (default). Off: every pass is computed, nothing stored. */
  useCache?: boolean;
}

export function cancelSweep(): void {
  running?.abort();
}

function pick(split: LabeledSplit, perClass: number): LabeledSplit {
  if (perClass <= 0) return split;
  const idx = stratifiedSubset(split.labels, perClass);
  return { items: idx.map((i) => split.items[i]!), labels: idx.map((i) => split.labels[i]!) };
}

/**
 * A linear probe for every block × t. Per t, ONE extract call (one U-Net pass per image feeds
 * every block; cached features are reused); the next t's features are extracted while this t's
 * probes train in the heads worker.
 */
export async function runSweep(options: SweepOptions = {}): Promise<void> {
  const store = useAppStore.getState();
  const manifest = diffusionManifest();
  if (typeof manifest === 'string') {
    store.notify('error', manifest);
    return;
  }
  const { sweep, train } = store.heads;
  const T = manifest.schedule!.T;
  const blocks = manifest.blocks.map((b) => b.index);
  let plan;
  const config: TrainConfig = { ...train, epochs: sweep.epochs };
  try {
    plan = planSweep(blocks, sweep.ts, T);
    checkTrainConfig(config);
  } catch (err) {
    store.notify('error', `Cannot sweep: ${userMessage(err)}`);
    return;
  }
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const signal = controller.signal;
  const jobId = 'heads-sweep';
  const cells = plan.length * blocks.length;
  const batchSize = options.batchSize ?? SWEEP_BATCH;
  let grid = emptyGrid(
    plan[0]!.blocks,
    plan.map((s) => s.t),
  );
  const t0 = performance.now();
  let featureMs = 0;
  let trainMs = 0;
  let done = 0;
  let passes = 0;
  let fromCache = 0;
  let computed = 0;
  let forwardCalls = 0;
  let images = { train: 0, test: 0 };
  const finish = (status: SweepStats['status']) => {
    lastStats = {
      status,
      images,
      timesteps: plan.map((p) => p.t),
      blocks: blocks.length,
      cells,
      batchSize,
      featureMs,
      trainMs,
      totalMs: performance.now() - t0,
      passes,
      fromCache,
      computed,
      forwardCalls,
      best: bestCell(grid),
    };
  };
  store.startJob(jobId, `Sweep: ${blocks.length} blocks × ${plan.length} timesteps`);
  store.setSweep({
    status: 'running',
    grid,
    fraction: 0,
    detail: 'Loading the dataset…',
    error: null,
  });
  let lastUpdate = 0;
  const update = (detail: string, force = true) => {
    const now = performance.now();
    // Extraction reports every batch; the panel re-renders at most every PROGRESS_MS for it.
    if (!force && now - lastUpdate < PROGRESS_MS) return;
    lastUpdate = now;
    const s = useAppStore.getState();
    const fraction = done / cells;
    s.setSweep({ grid, fraction, detail, featureMs, trainMs, totalMs: now - t0 });
    s.updateJob(jobId, fraction, detail);
  };
  try {
    const full: LabeledImages = await currentDataset(manifest.image.size, manifest.image.channels);
    const data = { train: pick(full.train, sweep.limit), test: pick(full.test, sweep.limit) };
    images = { train: data.train.items.length, test: data.test.items.length };
    const extract = (i: number): Promise<Map<number, SplitFeatures>> => {
      const step = plan[i]!;
      const start = performance.now();
      return extractSplits(
        unetEngine,
        data,
        {
          t: step.t,
          blocks: step.blocks,
          pool: sweep.pool,
          seed: HEADS_NOISE_SEED,
          noise: 'seeded',
        },
        {
          signal,
          batchSize,
          useCache: options.useCache ?? true,
          onProgress: (p) =>
            update(
              `t=${step.t}: features ${p.done} / ${p.total} images (${p.fromCache} cached)`,
              p.done === p.total,
            ),
        },
      ).then((r) => {
        featureMs += performance.now() - start;
        passes += r.result.count;
        fromCache += r.result.fromCache;
        computed += r.result.computed;
        forwardCalls += r.result.forwardCalls;
        return r.blocks;
      });
    };
    const trainY = Int32Array.from(data.train.labels);
    const testY = Int32Array.from(data.test.labels);
    let next = extract(0);
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i]!;
      const feats = await next;
      if (i + 1 < plan.length) {
        next = extract(i + 1);
        next.catch(() => undefined);
      }
      for (const block of step.blocks) {
        const f = feats.get(block)!;
        const start = performance.now();
        const out = await headsEngine.train(
          {
            spec: { kind: 'linear', pool: sweep.pool },
            channels: f.train.shape[0],
            classes: full.classes.length,
          },
          { trainX: f.train.data, trainY, testX: f.test.data, testY },
          config,
          () => undefined,
          { signal, evalEveryEpoch: false },
        );
        trainMs += performance.now() - start;
        grid = setCell(grid, block, step.t, out.curves.at(-1)!.testAcc);
        done += 1;
        update(`t=${step.t}: block ${block} trained`);
      }
    }
    finish('done');
    useAppStore.getState().setSweep({
      status: 'done',
      grid,
      fraction: 1,
      detail: `${cells} probes in ${(lastStats!.totalMs / 1000).toFixed(1)} s`,
      featureMs,
      trainMs,
      totalMs: lastStats!.totalMs,
    });
  } catch (err) {
    const s = useAppStore.getState();
    if (err instanceof JobCancelledError || signal.aborted) {
      finish('cancelled');
      s.setSweep({ status: 'cancelled', detail: `Cancelled after ${done} of ${cells} probes.` });
    } else {
      finish('error');
      s.setSweep({ status: 'error', error: userMessage(err) });
      s.notify('error', `The sweep failed: ${userMessage(err)}`);
    }
  } finally {
    if (running === controller) running = null;
    useAppStore.getState().endJob(jobId);
  }
}
