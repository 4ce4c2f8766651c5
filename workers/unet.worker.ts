import * as Comlink from 'comlink';
import { buildInputs } from '../src/core/features/batch';
import type { FeatureItem } from '../src/core/features/batch';
import { checkRequest, featureKey } from '../src/core/features/request';
import type { FeatureRequest } from '../src/core/features/request';
import type { ModelManifest } from '../src/core/manifest/types';
import { proposeBlocks } from '../src/core/onnx/blocks';
import { pruneToOutputs, withOutputs } from '../src/core/onnx/edit';
import { parseModel } from '../src/core/onnx/model';
import { synthesizeManifest } from '../src/core/onnx/synthesize';
import { gaussianNoise } from '../src/core/noise';
import { adaptiveAvgPool2d } from '../src/core/pool';
import { ddimStep, ddimTimesteps } from '../src/core/qsample';
import { makeSchedule } from '../src/core/schedule';
import type { NoiseSchedule, Schedule } from '../src/core/schedule';
import { loadBackend } from './ort/backend';
import type { BackendInfo, BackendPreference, LoadedBackend } from './ort/backend';
import { ModelSourceError, readModel } from './ort/loadModel';
import type { ModelFiles, ModelSource } from './ort/loadModel';
import { ModelRuntime } from './ort/modelRuntime';
import type { DownloadProgress } from './shared/fetch';
import { FeatureCache } from './shared/featureCache';
import type { CacheStats } from './shared/featureCache';
import { checkpoint, JobRegistry, throwIfCancelled } from './shared/jobs';
import type { PlainTensor, TensorMap } from './shared/tensors';
import { transferables } from './shared/tensors';

export type { ModelSource } from './ort/loadModel';
export type LoadProgress = DownloadProgress;

export interface ModelSummary {
  name: string;
  sha256: string;
  /** The model's manifest, the one diffprobe made from the graph (`synthesized`), or null (raw). */
  manifest: ModelManifest | null;
  synthesized: boolean;
  inputNames: string[];
  outputNames: string[];
  bytes: number;
  loadMs: number;
}

/** One batch of pooled features: per block, [b, C, p, p] (or [b, C, H, W] with pool 0). */
export interface FeatureBatch {
  offset: number;
  ids: string[];
  blocks: Record<number, PlainTensor>;
}

export interface ExtractProgress {
  done: number;
  total: number;
  ms: number;
  /** Items served from the feature cache so far. */
  fromCache: number;
}

export interface ExtractResult {
  count: number;
  ms: number;
  fromCache: number;
}

type Diffusion = Loaded & { manifest: ModelManifest; schedule: Schedule };

/** One forward pass for `items`; returns each block's (pooled) output. */
async function computeBatch(
  m: Diffusion,
  items: FeatureItem[],
  req: FeatureRequest,
  blocks: number[],
  outputs: string[],
  shape: readonly [number, number, number],
): Promise<Record<number, PlainTensor>> {
  const { manifest } = m;
  const inputs = buildInputs(items, shape, m.schedule, req);
  const result = await m.runtime.forward(
    {
      [manifest.inputs.x]: { data: inputs.x, dims: inputs.dims },
      [manifest.inputs.t!]: {
        data: inputs.t,
        dims: [items.length],
        type: manifest.inputs.tDtype ?? 'float32',
      },
    },
    outputs,
  );
  const out: Record<number, PlainTensor> = {};
  blocks.forEach((b, i) => {
    const o = result[outputs[i]!]!;
    const [n, c, h, w] = o.dims as [number, number, number, number];
    out[b] =
      req.pool > 0
        ? {
            data: adaptiveAvgPool2d(o.data, [n, c, h, w], req.pool),
            dims: [n, c, req.pool, req.pool],
          }
        : o;
  });
  return out;
}

export interface SampleStep {
  step: number;
  steps: number;
  t: number;
  x: PlainTensor;
  x0: PlainTensor;
}

interface Loaded {
  runtime: ModelRuntime;
  summary: ModelSummary;
  schedule: Schedule | null;
}

let backend: LoadedBackend | null = null;
let model: Loaded | null = null;
const jobs = new JobRegistry();
const cache = new FeatureCache();

function requireBackend(): LoadedBackend {
  if (!backend) throw new Error('init() must run first');
  return backend;
}

function requireDiffusion(): Diffusion {
  const m = model;
  if (!m) throw new Error('no model is loaded');
  const manifest = m.summary.manifest;
  if (!manifest || manifest.kind !== 'diffusion' || !m.schedule) {
    throw new Error('the loaded model is not a diffusion U-Net with a manifest');
  }
  return { ...m, manifest, schedule: m.schedule };
}

/**
 * A model without a manifest: propose its blocks from the graph, expose them as outputs, measure
 * their shapes with one forward pass and describe it with the given (or the paper's) schedule.
 */
async function describeUnknownModel(
  be: LoadedBackend,
  files: ModelFiles,
  schedule: NoiseSchedule | undefined,
): Promise<{ manifest: ModelManifest; model: Uint8Array }> {
  let parsed: ReturnType<typeof parseModel>;
  try {
    parsed = parseModel(files.model);
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} is not a readable ONNX model: ${(err as Error).message}`,
    );
  }
  const proposal = proposeBlocks(parsed);
  if (proposal.source === 'none' || !proposal.blocks.length) {
    throw new ModelSourceError(
      'model-load',
      `${files.name}: ${proposal.reason ?? 'no U-Net blocks were found'}.`,
    );
  }
  const eps = parsed.graph.outputs[0]?.name;
  if (!eps || !proposal.image || !proposal.timestep) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} does not look like a diffusion U-Net: it needs an image input [B, C, H, W], a timestep input [B] and a noise output.`,
    );
  }
  const blockOutputs = proposal.blocks.map((b) => b.output);
  const model = withOutputs(files.model, [eps, ...new Set(blockOutputs)]);
  const dims = proposal.image.shape ?? [];
  const num = (d: unknown, fallback: number) => (typeof d === 'number' && d > 0 ? d : fallback);
  const channels = num(dims[1], 3) === 1 ? 1 : 3;
  const size = num(dims[2], 32);
  const probe = new ModelRuntime(be, model, [], null);
  const shapes = new Map<string, number[]>();
  try {
    const out = await probe.forward(
      {
        [proposal.image.name]: {
          data: new Float32Array(channels * size * size),
          dims: [1, channels, size, size],
        },
        [proposal.timestep.name]: {
          data: new Float32Array([0]),
          dims: [1],
          type:
            proposal.timestep.dtype === 'int64'
              ? 'int64'
              : proposal.timestep.dtype === 'int32'
                ? 'int32'
                : 'float32',
        },
      },
      blockOutputs,
    );
    for (const name of blockOutputs) shapes.set(name, out[name]!.dims.slice(1));
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} could not run: ${(err as Error).message}`,
    );
  } finally {
    await probe.release();
  }
  try {
    const manifest = synthesizeManifest({
      name: files.name,
      sha256: files.sha256,
      bytes: files.model.byteLength,
      parameters: parsed.graph.parameterCount,
      proposal,
      epsOutput: eps,
      shapes,
      imageSize: size,
      channels,
      ...(schedule ? { schedule } : {}),
    });
    return { manifest, model };
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} does not look like a diffusion U-Net: ${(err as Error).message}`,
    );
  }
}

/** The name of the inputs' symbolic batch dimension, if the graph has one. */
function symbolicBatch(model: Uint8Array): string | null {
  try {
    const dim = parseModel(model).graph.inputs[0]?.shape?.[0];
    return typeof dim === 'string' && dim.length ? dim : null;
  } catch {
    return null;
  }
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
  ): Promise<ModelSummary> {
    return jobs.run(jobId, async (signal) => {
      const be = requireBackend();
      const t0 = performance.now();
      const files = await readModel(source, signal, progress);
      throwIfCancelled(signal);
      progress({ loaded: 1, total: 1, stage: 'compile', file: files.name });
      // A raw graph (the system check's) runs as it is; a U-Net without a manifest is described.
      const prepared =
        files.manifest || source.kind === 'onnx-url'
          ? { manifest: files.manifest, model: files.model }
          : await describeUnknownModel(be, files, schedule);
      throwIfCancelled(signal);
      const manifest = prepared.manifest;
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
      );
      const session = await runtime.session([]);
      const summary: ModelSummary = {
        name: files.name,
        sha256: files.sha256,
        manifest,
        synthesized: !files.manifest,
        inputNames: [...session.inputNames],
        outputNames: [...session.outputNames],
        bytes: files.model.byteLength,
        loadMs: performance.now() - t0,
      };
      const previous = model;
      model = {
        runtime,
        summary,
        schedule: manifest?.schedule ? makeSchedule(manifest.schedule) : null,
      };
      await previous?.runtime.release();
      return summary;
    });
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
  ): Promise<ExtractResult> {
    return jobs.run(jobId, async (signal) => {
      const m = requireDiffusion();
      const { manifest } = m;
      checkRequest(req, manifest.blocks.length, m.schedule.T);
      const blocks = [...new Set(req.blocks)].sort((a, b) => a - b);
      const outputs = blocks.map((b) => manifest.blocks[b - 1]!.output);
      const shape = [manifest.image.channels, manifest.image.size, manifest.image.size] as const;
      const size = batchSize > 0 ? batchSize : defaultBatch();
      const t0 = performance.now();
      const cacheable = req.pool > 0 && useCache;
      const hash = m.summary.sha256;
      let fromCache = 0;
      for (let offset = 0; offset < items.length; offset += size) {
        await checkpoint(signal);
        const chunk = items.slice(offset, offset + size);
        const keys = cacheable
          ? blocks.flatMap((b) => chunk.map((c) => featureKey(hash, b, req, c.id)))
          : [];
        const cached = cacheable ? await cache.getMany(keys) : [];
        // Items with every requested block cached skip the forward pass.
        const missing = chunk.filter(
          (_, i) => !cacheable || blocks.some((_b, bi) => !cached[bi * chunk.length + i]),
        );
        fromCache += chunk.length - missing.length;
        const computed = missing.length
          ? await computeBatch(m, missing, req, blocks, outputs, shape)
          : {};
        const batch: FeatureBatch = { offset, ids: chunk.map((c) => c.id), blocks: {} };
        const toStore: { key: string; data: Float32Array; dims: number[] }[] = [];
        blocks.forEach((b, bi) => {
          const fresh = computed[b];
          if (!cacheable && fresh) {
            batch.blocks[b] = fresh;
            return;
          }
          // Assemble the chunk in order from cache hits and fresh rows.
          const rowDims = fresh ? fresh.dims.slice(1) : cached[bi * chunk.length]!.dims;
          const rowSize = rowDims.reduce((a, d) => a * d, 1);
          const data = new Float32Array(chunk.length * rowSize);
          let k = 0;
          chunk.forEach((item, i) => {
            const hit = cached[bi * chunk.length + i];
            const isMissing = missing[k] === item;
            if (isMissing && fresh) {
              const row = fresh.data.subarray(k * rowSize, (k + 1) * rowSize);
              data.set(row, i * rowSize);
              toStore.push({ key: keys[bi * chunk.length + i]!, data: row.slice(), dims: rowDims });
            } else if (hit) {
              data.set(hit.data, i * rowSize);
            }
            if (isMissing) k += 1;
          });
          batch.blocks[b] = { data, dims: [chunk.length, ...rowDims] };
        });
        if (toStore.length) await cache.putMany(toStore).catch(() => undefined);
        throwIfCancelled(signal);
        onBatch(
          Comlink.transfer(
            batch,
            Object.values(batch.blocks).map((t) => t.data.buffer as ArrayBuffer),
          ),
        );
        progress({
          done: offset + chunk.length,
          total: items.length,
          ms: performance.now() - t0,
          fromCache,
        });
      }
      return { count: items.length, ms: performance.now() - t0, fromCache };
    });
  },

  /** DDIM (η = 0) samples from the loaded model; every step's x_t streams to `onStep`. */
  async sample(
    jobId: string,
    opts: { n: number; steps: number; seed: number },
    onStep: (s: SampleStep) => void,
  ): Promise<PlainTensor> {
    return jobs.run(jobId, async (signal) => {
      const m = requireDiffusion();
      const { manifest } = m;
      const size = manifest.image.channels * manifest.image.size * manifest.image.size;
      const dims = [opts.n, manifest.image.channels, manifest.image.size, manifest.image.size];
      let x = gaussianNoise(opts.seed, 'ddim-start', 0, opts.n * size);
      const ts = ddimTimesteps(m.schedule.T, opts.steps);
      const eps = manifest.outputs!.eps!;
      for (let i = 0; i < ts.length; i++) {
        await checkpoint(signal);
        const t = ts[i]!;
        const out = await m.runtime.forward(
          {
            [manifest.inputs.x]: { data: x, dims },
            [manifest.inputs.t!]: {
              data: new Float32Array(opts.n).fill(t),
              dims: [opts.n],
              type: manifest.inputs.tDtype ?? 'float32',
            },
          },
          [eps],
        );
        const step = ddimStep(x, out[eps]!.data, m.schedule, t, ts[i + 1] ?? null);
        x = step.xPrev;
        onStep({
          step: i + 1,
          steps: ts.length,
          t,
          x: { data: x.slice(), dims },
          x0: { data: step.x0, dims },
        });
      }
      return { data: x, dims };
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

Comlink.expose(api);
