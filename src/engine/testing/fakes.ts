/**
 * Fake worker clients for the controllers' unit tests: plain objects with the clients' methods,
 * recording what they were asked and answering at once (or when a test says so). The real
 * workers are covered by the browser tests.
 */
import type { Conditioning } from '../../core/conditioning/conditioning';
import type { DiffusionManifest } from '../../core/manifest/types';
import type { FeatureItem } from '../../core/features/batch';
import type { FeatureRequest } from '../../core/features/request';
import type { EpochReport, TrainOutcome } from '../../protocol/heads';
import type { ExtractResult, FeatureBatch, ModelSummary } from '../../protocol/model';
import { createAppStore } from '../../store';
import type { LabeledImages } from '../datasets/access';
import type { JobOptions } from '../workers/bridge';
import { JobCancelledError } from '../workers/errors';

export const MANIFEST = {
  schemaVersion: 1,
  id: 'tiny-unet',
  title: 'tiny',
  kind: 'diffusion',
  license: 'MIT',
  provenance: 'test',
  file: 'model.onnx',
  sha256: 'abc',
  bytes: 1,
  image: { size: 2, channels: 1, range: [-1, 1] },
  inputs: { x: 'x', t: 't' },
  outputs: { eps: 'eps' },
  schedule: { kind: 'linear', T: 100, betaStart: 1e-4, betaEnd: 0.02 },
  blocks: [1, 2, 3].map((index) => ({
    index,
    stage: 'encoder' as const,
    channels: 2,
    height: 2,
    width: 2,
    output: `b${index}`,
  })),
  parameters: 1,
} satisfies DiffusionManifest;

export const SUMMARY: ModelSummary = {
  name: 'tiny.onnx',
  sha256: 'abc',
  manifest: MANIFEST,
  synthesized: false,
  inputNames: ['x', 't'],
  outputNames: ['eps'],
  bytes: 1,
  loadMs: 1,
  warnings: [],
};

/** A store with the tiny diffusion model loaded. */
export function storeWithModel() {
  const store = createAppStore();
  store.getState().setModelReady({ kind: 'builtin', id: 'tiny-unet' }, SUMMARY);
  return store;
}

/**
 * A store with a class-conditional tiny model (input `y`, 10 classes) loaded and class `id`
 * picked for every image.
 */
export function storeWithClassModel(id: number) {
  const store = createAppStore();
  const y = { name: 'y', role: 'class' as const, dtype: 'int64' as const, classes: 10 };
  const manifest = { ...MANIFEST, inputs: { ...MANIFEST.inputs, conditioning: [y] } };
  store.getState().setModelReady({ kind: 'builtin', id: 'tiny-unet' }, { ...SUMMARY, manifest });
  pickClass(store, id);
  return store;
}

/** Picks class `id` for input `y` of the loaded model (as the model panel's class picker). */
export function pickClass(store: ReturnType<typeof createAppStore>, id: number): void {
  const choice: Conditioning = [
    { kind: 'class', name: 'y', dtype: 'int64', classes: 10, id, ownLabel: false },
  ];
  store.getState().setConditioning(choice, SUMMARY.sha256);
}

/** Two classes, four training and two test images of 2×2 grey. */
export function tinyDataset(): LabeledImages {
  const item = (id: string): FeatureItem => ({ id, x0: new Float32Array(4) });
  return {
    id: 'demo',
    name: 'tiny',
    classes: ['a', 'b'],
    size: 2,
    channels: 1,
    train: { items: ['t0', 't1', 't2', 't3'].map(item), labels: [0, 1, 0, 1] },
    test: { items: ['s0', 's1'].map(item), labels: [0, 1] },
  };
}

/** A promise with its resolve and reject at hand. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects as the bridge does when the job's signal aborts. */
export function cancellable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new JobCancelledError());
    signal.addEventListener('abort', () => reject(new JobCancelledError()), { once: true });
    work.then(resolve, reject);
  });
}

export interface ExtractCall {
  items: FeatureItem[];
  req: FeatureRequest;
  options: JobOptions<never> & {
    batchSize?: number;
    useCache?: boolean;
    conditioning?: Conditioning;
  };
}

/**
 * The model client's extract: every requested block's features (C = 2, pool p) for every item,
 * in one batch. `gate` (if set) holds a call until the test lets it go.
 */
export function fakeUnet(gate?: (call: ExtractCall) => Promise<void>) {
  const calls: ExtractCall[] = [];
  const events: string[] = [];
  return {
    calls,
    events,
    failWith: null as unknown,
    async extract(
      items: FeatureItem[],
      req: FeatureRequest,
      onBatch: (b: FeatureBatch) => void,
      options: ExtractCall['options'] = {},
    ): Promise<ExtractResult> {
      const call = { items, req, options };
      calls.push(call);
      events.push(`extract t=${req.t} start`);
      await cancellable(gate ? gate(call) : Promise.resolve(), options.signal);
      if (this.failWith) throw this.failWith;
      const p = Math.max(1, req.pool);
      const blocks: FeatureBatch['blocks'] = {};
      for (const b of req.blocks) {
        const data = new Float32Array(items.length * 2 * p * p).fill(b);
        blocks[b] = { data, dims: [items.length, 2, p, p] };
      }
      onBatch({ offset: 0, ids: items.map((i) => i.id), blocks });
      events.push(`extract t=${req.t} end`);
      const n = items.length;
      return { count: n, ms: 1, fromCache: 0, computed: n, forwardCalls: 1 };
    },
  };
}

/** The heads client: records (block-less) training calls; each resolves after `gate`. */
export function fakeHeads(gate?: (index: number) => Promise<void>) {
  const calls: { channels: number; signal: AbortSignal | undefined }[] = [];
  return {
    calls,
    async backend() {
      return { backend: 'cpu' as const, reason: 'test', threads: 1 };
    },
    async train(
      head: { channels: number; classes: number },
      data: { testY: Int32Array },
      config: { epochs: number },
      onEpoch: (r: EpochReport) => void,
      options: { signal?: AbortSignal } = {},
    ): Promise<TrainOutcome> {
      const index = calls.length;
      calls.push({ channels: head.channels, signal: options.signal });
      await cancellable(gate ? gate(index) : Promise.resolve(), options.signal);
      const report = {
        epoch: config.epochs,
        epochs: config.epochs,
        lr: 0.1,
        trainLoss: 0.5,
        trainAcc: 1,
        testLoss: 0.5,
        testAcc: 0.5,
        ms: 1,
      };
      onEpoch(report);
      const K = head.classes;
      const testLogits = new Float32Array(data.testY.length * K);
      data.testY.forEach((y, i) => (testLogits[i * K + y] = 1));
      return { params: [], standardizer: null, testLogits, curves: [report] };
    },
    async predict(): Promise<Float32Array> {
      return new Float32Array([0.2, 0.8]);
    },
  };
}

/** Waits (a few event-loop turns) until `cond` holds. */
export async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!cond()) throw new Error('condition never became true');
}
