/**
 * What crosses the model (U-Net) worker's boundary: its backend, the sources a model loads
 * from, the loaded model's summary, and the messages of its long jobs (load, extract, sample).
 */
import type { ModelManifest } from '../core/manifest/types';

export type BackendName = 'webgpu' | 'wasm';
/**
 * `wasm-baseline` is onnxruntime-web with its default settings (the /webgpu bundle's WASM path,
 * default thread count): the baseline `npm run bench` compares the tuned WASM path against.
 */
export type BackendPreference = 'auto' | BackendName | 'wasm-baseline';

export interface BackendInfo {
  backend: BackendName;
  /** Why this backend runs, for the UI ("WASM: this browser has no WebGPU adapter"). */
  reason: string;
  /** The adapter's description when WebGPU runs. */
  adapter?: string;
  shaderF16: boolean;
  threads: number;
  crossOriginIsolated: boolean;
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
  /** onnxruntime-web's default settings, untuned (the bench's baseline). */
  baseline?: boolean;
}

/** A tensor as it crosses the worker boundary: a plain typed array (transferred) and its dims. */
export interface PlainTensor {
  data: Float32Array;
  dims: number[];
}

export type TensorMap = Record<string, PlainTensor>;

/**
 * A file the user picked: its bytes, or the File itself (a Blob crosses to the worker by
 * reference, so the page never holds a large model's bytes; the worker reads them once).
 */
export interface PickedFile {
  name: string;
  bytes: ArrayBuffer | Blob;
}

/**
 * Where a model comes from: a folder URL (manifest.json + model file), files the user picked
 * (an .onnx with or without its manifest), or a raw graph URL run as it is (the system check).
 */
export type ModelSource =
  | { kind: 'folder'; base: string }
  | { kind: 'onnx-url'; url: string }
  | { kind: 'files'; files: PickedFile[] };

/** Progress of a model load: bytes of a file, its sha256 check, compiling the session. */
export interface LoadProgress {
  loaded: number;
  total: number;
  stage: 'download' | 'verify' | 'compile';
  file: string;
}

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

/** The feature cache's size (IndexedDB, in the model worker). */
export interface CacheStats {
  entries: number;
  bytes: number;
  limitBytes: number;
}
