import type { TrainedHead } from '../core/heads/format';
import {
  argmaxRows,
  confusionMatrix,
  misclassified,
  perClassAccuracy,
  accuracy,
} from '../core/heads/metrics';
import { checkTrainConfig } from '../core/heads/optim';
import { checkSpec, describeSpec } from '../core/heads/spec';
import type { ModelManifest } from '../core/manifest/types';
import { useAppStore } from '../store';
import type { HeadResult, SavedHeadInfo } from '../store/slices/heads';
import { unetEngine } from './appRuntime';
import { currentDataset } from './datasetAccess';
import { JobCancelledError, userMessage } from './errors';
import { extractSplits } from './headsFeatures';
import { HEADS_NOISE_SEED, headsEngine } from './headsRuntime';
import { headsStorage } from './headsStorage';

let running: AbortController | null = null;

/** The loaded model's manifest if it is a diffusion U-Net, else a message for the user. */
export function diffusionManifest(): ModelManifest | string {
  const manifest = useAppStore.getState().model.summary?.manifest;
  if (!manifest) return 'Load a diffusion U-Net with a manifest first.';
  if (manifest.kind !== 'diffusion' || !manifest.schedule)
    return 'Heads train on a diffusion U-Net’s features; the loaded model is not one.';
  return manifest;
}

export function headInfo(h: TrainedHead): SavedHeadInfo {
  return {
    id: h.id,
    name: h.name,
    modelId: h.model.id,
    block: h.block,
    t: h.t,
    description: describeSpec(h.spec),
    testAcc: h.accuracy.test,
    createdAt: h.createdAt,
  };
}

/** Reads the current dataset's class names for the panel (parameter counts need them). */
export async function readClasses(): Promise<void> {
  const manifest = diffusionManifest();
  if (typeof manifest === 'string') return;
  try {
    const data = await currentDataset(manifest.image.size, manifest.image.channels);
    useAppStore.getState().setHeads({ classes: data.classes });
  } catch (err) {
    useAppStore.getState().notify('error', `The dataset could not be read: ${userMessage(err)}`);
  }
}

export function cancelTraining(): void {
  running?.abort();
}

/** Extracts the chosen block's features at t, trains the chosen head, stores it. */
export async function trainCurrentHead(): Promise<void> {
  const store = useAppStore.getState();
  const manifest = diffusionManifest();
  if (typeof manifest === 'string') {
    store.notify('error', manifest);
    return;
  }
  const { spec, block, t, train } = store.heads;
  const info = manifest.blocks.find((b) => b.index === block);
  try {
    checkSpec(spec);
    checkTrainConfig(train);
    if (!info) throw new RangeError(`the model has no block ${block}`);
    const T = manifest.schedule!.T;
    if (!Number.isInteger(t) || t < 0 || t >= T)
      throw new RangeError(`t must be from 0 to ${T - 1}`);
  } catch (err) {
    store.notify('error', `Cannot train: ${userMessage(err)}`);
    return;
  }
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const signal = controller.signal;
  const jobId = 'heads-train';
  store.startJob(jobId, `Training ${describeSpec(spec)} on block ${block}, t=${t}`);
  store.setHeadsRun({
    status: 'features',
    fraction: 0,
    detail: 'Loading the dataset…',
    curves: [],
    error: null,
  });
  try {
    const backend = headsEngine.backend();
    const data = await currentDataset(manifest.image.size, manifest.image.channels);
    const { blocks } = await extractSplits(
      unetEngine,
      data,
      { t, blocks: [block], pool: spec.pool, seed: HEADS_NOISE_SEED, noise: 'seeded' },
      {
        signal,
        onProgress: (p) => {
          const detail = `Features: ${p.done} / ${p.total} images (${p.fromCache} from the cache)`;
          useAppStore.getState().setHeadsRun({ fraction: p.done / p.total, detail });
          useAppStore.getState().updateJob(jobId, p.done / p.total, detail);
        },
      },
    );
    const feats = blocks.get(block)!;
    useAppStore.getState().setHeads({ backend: await backend });
    useAppStore.getState().setHeadsRun({ status: 'training', fraction: 0, detail: 'Training…' });
    const K = data.classes.length;
    useAppStore.getState().setHeads({ classes: data.classes });
    const channels = feats.train.shape[0];
    const outcome = await headsEngine.train(
      { spec, channels, classes: K },
      {
        trainX: feats.train.data,
        trainY: Int32Array.from(data.train.labels),
        testX: feats.test.data,
        testY: Int32Array.from(data.test.labels),
      },
      train,
      (r) => {
        const s = useAppStore.getState();
        s.addHeadsEpoch(r);
        const detail = `Epoch ${r.epoch} / ${r.epochs}: test accuracy ${(100 * r.testAcc).toFixed(1)}%`;
        s.setHeadsRun({ fraction: r.epoch / r.epochs, detail });
        s.updateJob(jobId, r.epoch / r.epochs, detail);
      },
      { signal },
    );
    const predicted = argmaxRows(outcome.testLogits, K);
    const labels = data.test.labels;
    const confusion = confusionMatrix(labels, predicted, K);
    const perClass = perClassAccuracy(confusion);
    const testAcc = accuracy(labels, predicted);
    const head: TrainedHead = {
      id: crypto.randomUUID(),
      name: `${describeSpec(spec)} · block ${block} · t=${t}`,
      createdAt: new Date().toISOString(),
      model: { id: manifest.id, sha256: useAppStore.getState().model.summary?.sha256 ?? '' },
      block,
      t,
      seed: HEADS_NOISE_SEED,
      noise: 'seeded',
      channels,
      spec,
      train,
      classes: data.classes,
      standardizer: outcome.standardizer,
      accuracy: { test: testAcc, perClass },
      params: outcome.params,
    };
    const result: HeadResult = {
      headId: head.id,
      title: head.name,
      testAcc,
      perClass,
      confusion,
      classes: data.classes,
      misclassified: misclassified(labels, predicted)
        .slice(0, 60)
        .map((i) => ({ item: data.test.items[i]!, label: labels[i]!, predicted: predicted[i]! })),
      msPerEpoch: outcome.curves.reduce((a, c) => a + c.ms, 0) / Math.max(1, outcome.curves.length),
    };
    try {
      await headsStorage.put(head);
    } catch (err) {
      useAppStore
        .getState()
        .notify('warning', `The head could not be stored in the browser: ${userMessage(err)}`);
    }
    const s = useAppStore.getState();
    s.setHeads({
      result,
      saved: [headInfo(head), ...s.heads.saved.filter((h) => h.id !== head.id)],
      activeHeadId: head.id,
    });
    s.setHeadsRun({
      status: 'done',
      fraction: 1,
      detail: `Test accuracy ${(100 * testAcc).toFixed(2)}%`,
    });
  } catch (err) {
    const s = useAppStore.getState();
    if (err instanceof JobCancelledError || signal.aborted) {
      s.setHeadsRun({ status: 'cancelled', detail: 'Training was cancelled.' });
    } else {
      s.setHeadsRun({ status: 'error', error: userMessage(err), detail: '' });
      s.notify('error', `Training failed: ${userMessage(err)}`);
    }
  } finally {
    if (running === controller) running = null;
    useAppStore.getState().endJob(jobId);
  }
}
