import * as Comlink from 'comlink';
import type { FeatureItem } from '../src/core/features/batch';
import type { FeatureRequest } from '../src/core/features/request';
import type { Conditioning } from '../src/core/conditioning/conditioning';
import { pruneToOutputs } from '../src/core/onnx/edit';
import { makeSchedule } from '../src/core/schedule';
import type { NoiseSchedule } from '../src/core/schedule';
import { deviceFacts, loadBackend } from './ort/backend';
import type { LoadedBackend } from './ort/backend';
import { assessFit } from '../src/core/manifest/fit';
import { ModelSourceError, readModel } from './ort/loadModel';
import { ModelRuntime } from './ort/modelRuntime';
import { FeatureCache } from './shared/featureCache';
import { installErrorTransfer } from './shared/errorTransfer';
import { JobRegistry, throwIfCancelled } from './shared/jobs';
import { transferables } from './shared/tensors';
import {
  checkInputsFillable,
  describeUnknownModel,
  scalarInputs,
  symbolicBatch,
} from './unet/describeUnknownModel';
import { runExtract } from './unet/extractJob';
import { reviewBlocks } from './unet/reviewBlocks';
import type { BlockNames, BlockReview } from '../src/protocol/proposal';
import { runSample } from './unet/sampleJob';
import type { LoadedDiffusion, LoadedModel } from './unet/types';
import { encodeItems, loadEncoder } from './unet/encoder';
import type {
  BackendInfo,
  BackendPreference,
  CacheStats,
  ExtractProgress,
  ExtractResult,
  FeatureBatch,
  LoadProgress,
  ModelSource,
  ModelSummary,
  PlainTensor,
  SampleStep,
  TensorMap,
} from '../src/protocol/model';

let backend: LoadedBackend | null = null;
let model: LoadedModel | null = null;
const jobs = new JobRegistry();
const cache = new FeatureCache();

function requireBackend(): LoadedBackend {
  if (!backend) throw new Error('init() must run first');
  return backend;
}

function requireDiffusion(): LoadedDiffusion {
  const m = model;
  if (!m) throw new Error('no model is loaded');
  const manifest = m.summary.manifest;
  if (!manifest || manifest.kind !== 'diffusion' || !m.schedule) {
    throw new Error('the loaded model is not a diffusion U-Net with a manifest');
  }
  return { ...m, manifest, schedule: m.schedule };
}

function defaultBatch(): number {
  return requireBackend().info.backend === 'webgpu' ? 8 : 16;
}

const api = {
  /** Starts the runtime (once per worker); returns which backend runs and why. */
  async init(preference: BackendPreference): Promise<BackendInfo> {
    if (!backend) backend = await loadBackend(preference);
    return backend.info;
  },

  /** Loads a model (replacing the previous one only once the new one works). */
  async loadModel(
    jobId: string,
    source: ModelSource,
    progress: (p: LoadProgress) => void,
    schedule?: NoiseSchedule,
    names?: BlockNames,
  ): Promise<ModelSummary> {
    return jobs.run(jobId, async (signal) => {
      const be = requireBackend();
      const t0 = performance.now();
      // A model this device cannot hold is refused before its weights are read.
      let warnings: string[] = [];
      const files = await readModel(source, signal, progress, (m) => {
        const fit = assessFit(m, deviceFacts(be.info));
        if (!fit.ok) throw new ModelSourceError('model-load', fit.reason);
        warnings = fit.warnings;
      });
      throwIfCancelled(signal);
      progress({ loaded: 1, total: 1, stage: 'compile', file: files.name });
      // A raw graph (the system check's) runs as it is; a U-Net without a manifest is described.
      const prepared =
        files.manifest || source.kind === 'onnx-url'
          ? { manifest: files.manifest, model: files.model }
          : await describeUnknownModel(be, files, schedule, names);
      throwIfCancelled(signal);
      const manifest = prepared.manifest;
      // An input nothing can fill is refused here, before the loaded model is replaced.
      if (manifest) checkInputsFillable(files.name, prepared.model, manifest);
      const outputs = manifest
        ? [...Object.values(manifest.outputs ?? {}), ...manifest.blocks.map((b) => b.output)]
        : [];
      // The graph is cut per request, so an early block does not pay for the rest of the U-Net.
      const runtime = new ModelRuntime(
        be,
        prepared.model,
        outputs,
        pruneToOutputs,
        symbolicBatch(prepared.model),
        // Each session holds its own copy of external (large) weights: keep one at a time.
        files.externalData.length ? 1 : 6,
        files.externalData.length ? { externalData: files.externalData } : {},
        scalarInputs(prepared.model),
      );
      const session = await runtime.session([]);
      const encoder =
        files.encoder && manifest?.encoder
          ? await loadEncoder(be, files.encoder, manifest.encoder, manifest.image)
          : undefined;
      const summary: ModelSummary = {
        name: files.name,
        sha256: files.sha256,
        manifest,
        synthesized: !files.manifest,
        inputNames: [...session.inputNames],
        outputNames: [...session.outputNames],
        bytes: files.model.byteLength,
        loadMs: performance.now() - t0,
        warnings,
      };
      const previous = model;
      model = {
        runtime,
        summary,
        schedule: manifest?.schedule ? makeSchedule(manifest.schedule) : null,
        ...(encoder ? { encoder } : {}),
      };
      await previous?.runtime.release();
      await previous?.encoder?.runtime.release();
      return summary;
    });
  },

  /** The blocks proposed for a picked .onnx without a manifest, for the user to review. */
  async reviewBlocks(jobId: string, source: ModelSource): Promise<BlockReview> {
    return jobs.run(jobId, () => reviewBlocks(source));
  },

  /** One forward pass on raw feeds; returns the requested outputs (transferred). */
  async run(jobId: string, feeds: TensorMap, outputs: string[]): Promise<TensorMap> {
    return jobs.run(jobId, async (signal) => {
      if (!model) throw new Error('no model is loaded');
      const out = await model.runtime.forward(feeds, outputs);
      throwIfCancelled(signal);
      return Comlink.transfer(out, transferables(out));
    });
  },

  /**
   * Pooled block features of `items` at one timestep: one forward pass per batch yields every
   * requested block. Batches stream to `onBatch` as they finish.
   */
  async extract(
    jobId: string,
    items: FeatureItem[],
    req: FeatureRequest,
    onBatch: (batch: FeatureBatch) => void,
    progress: (p: ExtractProgress) => void,
    batchSize = 0,
    useCache = true,
    cacheFull = false,
    conditioning: Conditioning = [],
  ): Promise<ExtractResult> {
    return jobs.run(jobId, async (signal) => {
      return runExtract(
        requireDiffusion(),
        cache,
        items,
        req,
        onBatch,
        progress,
        {
          batchSize: batchSize > 0 ? batchSize : defaultBatch(),
          useCache,
          cacheFull,
          conditioning,
        },
        signal,
      );
    });
  },

  /** A latent model's x0 of `items`: scale × encoder(image), [n, c, s, s]; null without one. */
  async encode(jobId: string, items: FeatureItem[]): Promise<PlainTensor | null> {
    return jobs.run(jobId, async () => {
      const enc = requireDiffusion().encoder;
      if (!enc) return null;
      const z = await encodeItems(enc, items);
      const size = z[0]?.x0.length ?? 0;
      const data = new Float32Array(z.length * size);
      z.forEach((item, i) => data.set(item.x0, i * size));
      return Comlink.transfer({ data, dims: [z.length, ...enc.latent] }, [data.buffer]);
    });
  },

  /** DDIM (η = 0) samples from the loaded model; every step's x_t streams to `onStep`. */
  async sample(
    jobId: string,
    opts: { n: number; steps: number; seed: number },
    onStep: (s: SampleStep) => void,
    conditioning: Conditioning = [],
  ): Promise<PlainTensor> {
    return jobs.run(jobId, async (signal) => {
      return runSample(requireDiffusion(), opts, onStep, signal, conditioning);
    });
  },

  async cacheStats(): Promise<CacheStats> {
    return cache.stats();
  },

  async clearCache(): Promise<void> {
    await cache.clear();
  },

  cancel(jobId: string): void {
    jobs.cancel(jobId);
  },
};

export type UnetApi = typeof api;

installErrorTransfer();
Comlink.expose(api);
