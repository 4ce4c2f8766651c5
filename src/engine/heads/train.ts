/**
 * The heads panel's training: the chosen block's features at t (one extract call, through the
 * feature cache), the chosen head trained in the heads worker, evaluated, stored and listed.
 */
import { conditioningRecord, type Conditioning } from '../../core/conditioning/conditioning';
import { activeConditioning } from '../conditioning/controls';
import type { TrainedHead } from '../../core/heads/format';
import { checkTrainConfig } from '../../core/heads/optim';
import { checkSpec, describeSpec } from '../../core/heads/spec';
import type { EpochReport, TrainOutcome } from '../../protocol/heads';
import type { ExtractResult } from '../../protocol/model';
import type { HeadsState } from '../../store/slices/heads';
import type { AppStore } from '../appStore';
import type { LabeledImages } from '../datasets/access';
import { JobSlot } from '../jobSlot';
import { diffusionManifestOrReason, type DiffusionManifest } from '../model/manifest';
import { JobCancelledError, userMessage } from '../workers/errors';
import type { HeadsEngine } from '../workers/headsEngine';
import type { UnetEngine } from '../workers/unetEngine';
import { extractSplits, HEADS_NOISE_SEED, type SplitFeatures } from './features';
import { headInfo, headOutcome } from './outcome';
import type { headsStorage } from './storage';

const JOB = 'heads-train';

export interface HeadTrainerDeps {
  store: AppStore;
  unet: Pick<UnetEngine, 'extract'>;
  heads: Pick<HeadsEngine, 'backend' | 'train'>;
  /** The current dataset, prepared for a model's size and channels. */
  dataset: (size: number, channels: 1 | 3) => Promise<LabeledImages>;
  storage: Pick<typeof headsStorage, 'put'>;
}

/** Why the panel's settings cannot train on this model, or null when they can. */
export function trainProblem(manifest: DiffusionManifest, heads: HeadsState): string | null {
  const { spec, block, t, train } = heads;
  try {
    checkSpec(spec);
    checkTrainConfig(train);
    if (!manifest.blocks.some((b) => b.index === block))
      throw new RangeError(`the model has no block ${block}`);
    const T = manifest.schedule.T;
    if (!Number.isInteger(t) || t < 0 || t >= T)
      throw new RangeError(`t must be from 0 to ${T - 1}`);
    return null;
  } catch (err) {
    return userMessage(err);
  }
}

/**
 * The block the panel's head should use on this model: `block` where the model has it, else its
 * middle block (a model with other blocks than the last one's: the select would show a block
 * the state does not hold, and training would be refused).
 */
export function headBlockFor(manifest: Pick<DiffusionManifest, 'blocks'>, block: number): number {
  const { blocks } = manifest;
  if (blocks.length === 0 || blocks.some((b) => b.index === block)) return block;
  const middle = blocks.find((b) => b.stage === 'middle');
  return (middle ?? blocks[Math.floor(blocks.length / 2)]!).index;
}

/** Trains the heads panel's head on the loaded model; a second call cancels the first. */
export function createHeadTrainer(deps: HeadTrainerDeps) {
  const { store } = deps;
  const slot = new JobSlot();

  /** The chosen block's train and test features, with progress in the panel and the jobs list. */
  async function features(
    data: LabeledImages,
    heads: HeadsState,
    conditioning: Conditioning,
    signal: AbortSignal,
  ): Promise<{ feats: SplitFeatures; result: ExtractResult }> {
    const { block, t, spec } = heads;
    const req = {
      t,
      blocks: [block],
      pool: spec.pool,
      seed: HEADS_NOISE_SEED,
      noise: 'seeded' as const,
    };
    const { blocks, result } = await extractSplits(deps.unet, data, req, {
      signal,
      conditioning,
      onProgress: (p) => {
        const detail = `Features: ${p.done} / ${p.total} images (${p.fromCache} from the cache)`;
        store.getState().setHeadsRun({ fraction: p.done / p.total, detail });
        store.getState().updateJob(JOB, p.done / p.total, detail);
      },
    });
    return { feats: blocks.get(block)!, result };
  }

  function onEpoch(r: EpochReport): void {
    const s = store.getState();
    s.addHeadsEpoch(r);
    const detail = `Epoch ${r.epoch} / ${r.epochs}: test accuracy ${(100 * r.testAcc).toFixed(1)}%`;
    s.setHeadsRun({ fraction: r.epoch / r.epochs, detail });
    s.updateJob(JOB, r.epoch / r.epochs, detail);
  }

  /** Trains the head on the features in the heads worker. */
  function fit(
    feats: SplitFeatures,
    data: LabeledImages,
    heads: HeadsState,
    signal: AbortSignal,
  ): Promise<TrainOutcome> {
    store.getState().setHeadsRun({ status: 'training', fraction: 0, detail: 'Training…' });
    store.getState().setHeads({ classes: data.classes });
    return deps.heads.train(
      { spec: heads.spec, channels: feats.train.shape[0], classes: data.classes.length },
      {
        trainX: feats.train.data,
        trainY: Int32Array.from(data.train.labels),
        testX: feats.test.data,
        testY: Int32Array.from(data.test.labels),
      },
      heads.train,
      onEpoch,
      { signal },
    );
  }

  /** Stores the head (a failure to store is a warning: the head is still shown and usable). */
  async function keep(head: TrainedHead): Promise<void> {
    try {
      await deps.storage.put(head);
    } catch (err) {
      store
        .getState()
        .notify('warning', `The head could not be stored in the browser: ${userMessage(err)}`);
    }
  }

  function failed(err: unknown, signal: AbortSignal): void {
    const s = store.getState();
    if (err instanceof JobCancelledError || signal.aborted) {
      s.setHeadsRun({ status: 'cancelled', detail: 'Training was cancelled.' });
    } else {
      s.setHeadsRun({ status: 'error', error: userMessage(err), detail: '' });
      s.notify('error', `Training failed: ${userMessage(err)}`);
    }
  }

  /** Extracts the chosen block's features at t, trains the chosen head, stores it. */
  async function trainCurrentHead(): Promise<void> {
    const start = store.getState();
    const manifest = diffusionManifestOrReason(start, 'Heads train');
    if (typeof manifest === 'string') return void start.notify('error', manifest);
    const heads = start.heads;
    const problem = trainProblem(manifest, heads);
    if (problem) return void start.notify('error', `Cannot train: ${problem}`);
    const job = slot.start();
    const { signal } = job;
    start.startJob(
      JOB,
      `Training ${describeSpec(heads.spec)} on block ${heads.block}, t=${heads.t}`,
    );
    start.setHeadsRun({
      status: 'features',
      fraction: 0,
      detail: 'Loading the dataset…',
      curves: [],
      error: null,
    });
    // What the model's class and context inputs get for these features (fixed at the start,
    // whatever the model panel says meanwhile), recorded with the head.
    const cond = activeConditioning(store.getState());
    const conditioning = conditioningRecord(cond);
    try {
      const backend = deps.heads.backend();
      const data = await deps.dataset(manifest.image.size, manifest.image.channels);
      const { feats, result: extracted } = await features(data, heads, cond, signal);
      store.getState().setHeads({ backend: await backend });
      const outcome = await fit(feats, data, heads, signal);
      const model = { id: manifest.id, sha256: store.getState().model.summary?.sha256 ?? '' };
      const { block, t, spec, train } = heads;
      const recipe = {
        model,
        block,
        t,
        spec,
        train,
        channels: feats.train.shape[0],
        ...(conditioning.length ? { conditioning } : {}),
      };
      const { head, result } = headOutcome(recipe, data, outcome);
      await keep(head);
      const s = store.getState();
      s.setHeads({
        result,
        saved: [headInfo(head), ...s.heads.saved.filter((h) => h.id !== head.id)],
        activeHeadId: head.id,
      });
      // Which features were computed and which came from the cache (keyed by the conditioning).
      const detail = `Test accuracy ${(100 * result.testAcc).toFixed(2)}% · features of ${extracted.count} images: ${extracted.computed} computed, ${extracted.fromCache} from the cache`;
      s.setHeadsRun({ status: 'done', fraction: 1, detail });
    } catch (err) {
      failed(err, signal);
    } finally {
      job.end();
      store.getState().endJob(JOB);
    }
  }

  /** Reads the current dataset's class names for the panel (parameter counts need them). */
  async function readClasses(): Promise<void> {
    const manifest = diffusionManifestOrReason(store.getState(), 'Heads train');
    if (typeof manifest === 'string') return;
    try {
      const data = await deps.dataset(manifest.image.size, manifest.image.channels);
      store.getState().setHeads({ classes: data.classes });
    } catch (err) {
      store.getState().notify('error', `The dataset could not be read: ${userMessage(err)}`);
    }
  }

  return { trainCurrentHead, cancelTraining: () => slot.cancel(), readClasses };
}
