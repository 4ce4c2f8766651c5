import type { ModelManifest } from '../../src/core/manifest/types';
import type { Schedule } from '../../src/core/schedule';
import type { ModelRuntime } from '../ort/modelRuntime';
import type { FeedTensor } from '../ort/modelRuntime';
import type { PlainTensor } from '../shared/tensors';

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
  /** What the user should know before running it (e.g. how slow a large model is on WASM). */
  warnings: string[];
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
  /** Images this call ran through the U-Net (not from the cache). */
  computed: number;
  /** Forward passes (runtime calls) this call made: one per batch, for every requested block. */
  forwardCalls: number;
  /** Set when the feature cache could not store the results (full quota, storage denied). */
  cacheError?: string;
}

export interface SampleStep {
  step: number;
  steps: number;
  t: number;
  x: PlainTensor;
  x0: PlainTensor;
}

export interface LoadedModel {
  runtime: ModelRuntime;
  summary: ModelSummary;
  schedule: Schedule | null;
}

/** A loaded diffusion U-Net with its manifest and schedule. */
export type LoadedDiffusion = LoadedModel & { manifest: ModelManifest; schedule: Schedule };

/** The timestep feed in the dtype the model takes. */
export function timestepFeed(manifest: ModelManifest, t: Float32Array): FeedTensor {
  return { data: t, dims: [t.length], type: manifest.inputs.tDtype ?? 'float32' };
}
