import { emptyGrid, planSweep, setCell } from '../core/heads/sweep';
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
export async function runSweep(): Promise<void> {
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
  let grid = emptyGrid(
    plan[0]!.blocks,
    plan.map((s) => s.t),
  );
  const t0 = performance.now();
  let featureMs = 0;
  let trainMs = 0;
  let done = 0;
  store.startJob(jobId, `Sweep: ${blocks.length} blocks × ${plan.length} timesteps`);
  store.setSweep({
    status: 'running',
    grid,
    fraction: 0,
    detail: 'Loading the dataset…',
    error: null,
  });
  const update = (detail: string) => {
    const s = useAppStore.getState();
    const fraction = done / cells;
    s.setSweep({ grid, fraction, detail, featureMs, trainMs, totalMs: performance.now() - t0 });
    s.updateJob(jobId, fraction, detail);
  };
  try {
    const full: LabeledImages = await currentDataset(manifest.image.size, manifest.image.channels);
    const data = { train: pick(full.train, sweep.limit), test: pick(full.test, sweep.limit) };
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
          onProgress: (p) =>
            update(`t=${step.t}: features ${p.done} / ${p.total} images (${p.fromCache} cached)`),
        },
      ).then((r) => {
        featureMs += performance.now() - start;
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
    const totalMs = performance.now() - t0;
    useAppStore.getState().setSweep({
      status: 'done',
      grid,
      fraction: 1,
      detail: `${cells} probes in ${(totalMs / 1000).toFixed(1)} s`,
      featureMs,
      trainMs,
      totalMs,
    });
  } catch (err) {
    const s = useAppStore.getState();
    if (err instanceof JobCancelledError || signal.aborted) {
      s.setSweep({ status: 'cancelled', detail: `Cancelled after ${done} of ${cells} probes.` });
    } else {
      s.setSweep({ status: 'error', error: userMessage(err) });
      s.notify('error', `The sweep failed: ${userMessage(err)}`);
    }
  } finally {
    if (running === controller) running = null;
    useAppStore.getState().endJob(jobId);
  }
}
