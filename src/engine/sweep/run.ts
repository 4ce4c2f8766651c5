/**
 * The sweep: a linear probe for every block × t. Per t, ONE extract call (one U-Net pass per
 * image feeds every block; cached features are reused); the next t's features are extracted
 * while this t's probes train in the heads worker (schedule.ts).
 */
import { conditioningRecord, type Conditioning } from '../../core/conditioning/conditioning';
import { checkTrainConfig, type TrainConfig } from '../../core/heads/optim';
import { stratifiedSubset } from '../../core/heads/subset';
import { planSweep, type SweepStep } from '../../core/heads/sweep';
import type { HeadsState } from '../../store/slices/heads';
import type { AppStore } from '../appStore';
import type { LabeledImages, LabeledSplit } from '../datasets/access';
import { activeConditioning } from '../conditioning/controls';
import { JobSlot } from '../jobSlot';
import { diffusionManifestOrReason, type DiffusionManifest } from '../model/manifest';
import { JobCancelledError, userMessage, WorkerCrashedError } from '../workers/errors';
import type { HeadsEngine } from '../workers/headsEngine';
import type { UnetEngine } from '../workers/unetEngine';
import { extractSplits, HEADS_NOISE_SEED, type SplitFeatures } from '../heads/features';
import { SweepProgress, type SweepStats } from './progress';
import { sweepRecord } from './record';
import { pipelineSteps } from './schedule';

export type { SweepStats } from './progress';

/**
 * Images per U-Net pass in the sweep's extraction. On WASM (2 cores, 19 blocks, pool 2, cache on)
 * 64 was the fastest of 16, 32 and 64 (≈29, 30.5 and 31 img/s in reduced sweeps); a batch takes
 * about 2 s there, which bounds how long a cancel waits.
 */
export const SWEEP_BATCH = 64;
const JOB = 'heads-sweep';

export interface SweepOptions {
  /** Images per U-Net pass (default SWEEP_BATCH). */
  batchSize?: number;
  /** Read and fill the feature cache (default). Off: every pass is computed, nothing stored. */
  useCache?: boolean;
}

export interface SweepDeps {
  store: AppStore;
  unet: Pick<UnetEngine, 'extract'>;
  heads: Pick<HeadsEngine, 'train'>;
  /** The current dataset, prepared for a model's size and channels. */
  dataset: (size: number, channels: 1 | 3) => Promise<LabeledImages>;
}

interface SweepPlan {
  manifest: DiffusionManifest;
  plan: SweepStep[];
  config: TrainConfig;
  /** What the class and context inputs get at every t (fixed when the sweep starts). */
  conditioning: Conditioning;
}

/** The sweep the panel's settings ask for on this model, or why it cannot run. */
export function planFor(
  manifest: DiffusionManifest,
  heads: HeadsState,
  conditioning: Conditioning,
): SweepPlan | string {
  const config: TrainConfig = { ...heads.train, epochs: heads.sweep.epochs };
  try {
    const blocks = manifest.blocks.map((b) => b.index);
    const plan = planSweep(blocks, heads.sweep.ts, manifest.schedule.T);
    checkTrainConfig(config);
    return { manifest, plan, config, conditioning };
  } catch (err) {
    return `Cannot sweep: ${userMessage(err)}`;
  }
}

/** At most `perClass` images of each class of a split (all with 0). */
function pick(split: LabeledSplit, perClass: number): LabeledSplit {
  if (perClass <= 0) return split;
  const idx = stratifiedSubset(split.labels, perClass);
  return { items: idx.map((i) => split.items[i]!), labels: idx.map((i) => split.labels[i]!) };
}

export function createSweepController(deps: SweepDeps) {
  const { store } = deps;
  const slot = new JobSlot();
  let lastStats: SweepStats | null = null;

  /** Runs the planned sweep; resolves when every probe is trained (or on cancel or error). */
  async function execute(
    { manifest, plan, config, conditioning }: SweepPlan,
    sweep: HeadsState['sweep'],
    options: SweepOptions,
    progress: SweepProgress,
    signal: AbortSignal,
  ): Promise<void> {
    const full = await deps.dataset(manifest.image.size, manifest.image.channels);
    const data = { train: pick(full.train, sweep.limit), test: pick(full.test, sweep.limit) };
    progress.images = { train: data.train.items.length, test: data.test.items.length };
    const record = sweepRecord({
      manifest,
      plan,
      config,
      pool: sweep.pool,
      conditioning: progress.conditioning,
      data: full,
      images: progress.images,
      stored: deps.store.getState().datasets.list,
    });
    deps.store.getState().setSweep({ record });
    const trainY = Int32Array.from(data.train.labels);
    const testY = Int32Array.from(data.test.labels);

    const extract = async (i: number): Promise<Map<number, SplitFeatures>> => {
      const { t, blocks } = plan[i]!;
      const start = performance.now();
      const req = { t, blocks, pool: sweep.pool, seed: HEADS_NOISE_SEED, noise: 'seeded' as const };
      const r = await extractSplits(deps.unet, data, req, {
        signal,
        batchSize: options.batchSize ?? SWEEP_BATCH,
        useCache: options.useCache ?? true,
        conditioning,
        onProgress: (p) =>
          progress.update(
            `t=${t}: features ${p.done} / ${p.total} images (${p.fromCache} cached)`,
            p.done === p.total,
          ),
      });
      progress.extracted(performance.now() - start, r.result);
      return r.blocks;
    };

    const train = async (i: number, feats: Map<number, SplitFeatures>): Promise<void> => {
      const { t, blocks } = plan[i]!;
      for (const block of blocks) {
        const f = feats.get(block)!;
        const start = performance.now();
        const out = await deps.heads.train(
          {
            spec: { kind: 'linear', pool: sweep.pool },
            channels: f.train.shape[0],
            classes: full.classes.length,
          },
          { trainX: f.train.data, trainY, testX: f.test.data, testY },
          config,
          () => undefined,
          // Each block's table is trained on once: handed over, not copied on the page.
          { signal, evalEveryEpoch: false, transferFeatures: true },
        );
        progress.trained(block, t, performance.now() - start, out.curves.at(-1)!.testAcc);
      }
    };

    await pipelineSteps(plan.length, extract, train);
  }

  function failed(err: unknown, progress: SweepProgress, signal: AbortSignal): void {
    const s = store.getState();
    if (err instanceof JobCancelledError || signal.aborted) {
      lastStats = progress.stats('cancelled');
      const detail = `Cancelled after ${progress.done} of ${progress.cells} probes.`;
      s.setSweep({ status: 'cancelled', detail });
    } else if (err instanceof WorkerCrashedError) {
      // The model worker died mid-sweep: what it extracted is in the feature cache, so a
      // retry computes only the rest.
      lastStats = progress.stats('error');
      const error = `The model worker stopped during the sweep, after ${progress.done} of ${progress.cells} probes. Retry resumes it: the features already computed come from the cache.`;
      s.setSweep({
        status: 'error',
        error,
        detail: `Stopped after ${progress.done} of ${progress.cells} probes.`,
      });
      s.notify('error', error);
    } else {
      lastStats = progress.stats('error');
      s.setSweep({ status: 'error', error: userMessage(err) });
      s.notify('error', `The sweep failed: ${userMessage(err)}`);
    }
  }

  /** A linear probe for every block × t of the panel's settings; a second call cancels the first. */
  async function runSweep(options: SweepOptions = {}): Promise<void> {
    const state = store.getState();
    const manifest = diffusionManifestOrReason(state, 'Heads train');
    const planned =
      typeof manifest === 'string'
        ? manifest
        : planFor(manifest, state.heads, activeConditioning(state));
    if (typeof planned === 'string') return void state.notify('error', planned);
    const job = slot.start();
    const sweep = state.heads.sweep;
    const { plan } = planned;
    const progress = new SweepProgress(store, JOB, plan, options.batchSize ?? SWEEP_BATCH);
    progress.conditioning = conditioningRecord(planned.conditioning);
    state.startJob(JOB, `Sweep: ${plan[0]!.blocks.length} blocks × ${plan.length} timesteps`);
    state.setSweep({
      status: 'running',
      grid: progress.grid,
      fraction: 0,
      detail: 'Loading the dataset…',
      error: null,
      conditioning: progress.conditioning.length ? progress.conditioning : null,
      record: null,
    });
    try {
      await execute(planned, sweep, options, progress, job.signal);
      lastStats = progress.stats('done');
      progress.finished(lastStats);
    } catch (err) {
      failed(err, progress, job.signal);
    } finally {
      job.end();
      store.getState().endJob(JOB);
    }
  }

  return {
    runSweep,
    cancelSweep: () => slot.cancel(),
    /** What the last sweep did and how long it took (for the console and the bench). */
    lastSweepStats: (): SweepStats | null => lastStats,
  };
}
