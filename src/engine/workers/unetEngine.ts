import * as Comlink from 'comlink';
import type { FeatureItem } from '../../core/features/batch';
import type { FeatureRequest } from '../../core/features/request';
import type { Conditioning } from '../../core/conditioning/conditioning';
import type { NoiseSchedule } from '../../core/schedule';
import type { BlockNames, BlockReview } from '../../protocol/proposal';
import type {
  BackendInfo,
  BackendPreference,
  ExtractProgress,
  ExtractResult,
  FeatureBatch,
  LoadProgress,
  ModelSource,
  ModelSummary,
  PlainTensor,
  SampleStep,
  TensorMap,
} from '../../protocol/model';
import type { UnetApi } from '../../../workers/unet.worker';
import type { JobOptions, WorkerBridge } from './bridge';

/**
 * URLs are made absolute against the page (a worker would resolve them against its own
 * script); picked bytes are copied per call, since a restarted worker needs them again (a
 * File is passed by reference: the worker reads it, the page keeps only the handle).
 */
function copySource(source: ModelSource): ModelSource {
  if (source.kind === 'folder')
    return { kind: 'folder', base: new URL(source.base, location.href).href };
  if (source.kind === 'onnx-url')
    return { kind: 'onnx-url', url: new URL(source.url, location.href).href };
  return {
    kind: 'files',
    files: source.files.map((f) => ({
      ...f,
      bytes: f.bytes instanceof ArrayBuffer ? f.bytes.slice(0) : f.bytes,
    })),
  };
}

/**
 * The model runtime as the app sees it: a backend that is started (and re-started after a
 * crash) on demand, and a model that is re-loaded into a fresh worker without the caller noticing.
 */
export class UnetEngine {
  private initedFor = -1;
  private info: BackendInfo | null = null;
  private source: ModelSource | null = null;
  private loadedFor = -1;
  private schedule: NoiseSchedule | undefined;
  private blockNames: BlockNames | undefined;
  /** Told when an extraction's features could not be cached (the job went on without). */
  onCacheError: ((message: string) => void) | null = null;
  /** What the model's class and context inputs get on every extraction and sample. */
  conditioning: () => Conditioning = () => [];

  constructor(
    readonly bridge: WorkerBridge<UnetApi>,
    private preference: BackendPreference = 'auto',
  ) {}

  get backendPreference(): BackendPreference {
    return this.preference;
  }

  /**
   * Runs on another backend from the next call on: the worker is replaced and the loaded model
   * re-loaded into the new one on demand.
   */
  setPreference(preference: BackendPreference): void {
    if (preference === this.preference) return;
    this.preference = preference;
    this.info = null;
    this.initedFor = -1;
    this.loadedFor = -1;
    this.bridge.dispose();
  }

  private current(): number {
    return this.bridge.running ? this.bridge.starts : -1;
  }

  async backend(): Promise<BackendInfo> {
    if (this.info && this.initedFor === this.current()) return this.info;
    const info = await this.bridge.call((api) => api.init(this.preference));
    this.info = info;
    this.initedFor = this.bridge.starts;
    return info;
  }

  /**
   * Loads a model; `schedule` and `blockNames` are the user's choices for a model without a
   * manifest (its noise schedule, and names for the proposed blocks by output tensor).
   */
  async load(
    source: ModelSource,
    options: JobOptions<LoadProgress> & { schedule?: NoiseSchedule; blockNames?: BlockNames } = {},
  ): Promise<ModelSummary> {
    await this.backend();
    this.schedule = options.schedule;
    this.blockNames = options.blockNames;
    const keep = copySource(source);
    const send = copySource(source);
    const summary = await this.bridge.call<ModelSummary, LoadProgress>(
      (api, ctx) =>
        api.loadModel(ctx.jobId, send, ctx.progress, options.schedule, options.blockNames),
      options,
    );
    this.source = keep;
    this.loadedFor = this.bridge.starts;
    return summary;
  }

  private async ensureModel(): Promise<void> {
    await this.backend();
    if (this.loadedFor === this.bridge.starts) return;
    if (!this.source) throw new Error('no model is loaded');
    const source = copySource(this.source);
    await this.bridge.call<ModelSummary, LoadProgress>((api, ctx) =>
      api.loadModel(ctx.jobId, source, ctx.progress, this.schedule, this.blockNames),
    );
    this.loadedFor = this.bridge.starts;
  }

  /** The blocks diffprobe proposes for picked files without a manifest (nothing is loaded). */
  async reviewBlocks(source: ModelSource, options: JobOptions<never> = {}): Promise<BlockReview> {
    await this.backend();
    const send = copySource(source);
    return this.bridge.call((api, ctx) => api.reviewBlocks(ctx.jobId, send), options);
  }

  async run(
    feeds: TensorMap,
    outputs: string[],
    options: JobOptions<never> = {},
  ): Promise<TensorMap> {
    await this.ensureModel();
    return this.bridge.call((api, ctx) => api.run(ctx.jobId, feeds, outputs), options);
  }

  /** Pooled block features; batches arrive through `onBatch` as they finish. */
  async extract(
    items: FeatureItem[],
    req: FeatureRequest,
    onBatch: (batch: FeatureBatch) => void,
    options: JobOptions<ExtractProgress> & {
      batchSize?: number;
      useCache?: boolean;
      /** Cache full-resolution (pool 0) maps too. */
      cacheFull?: boolean;
      /**
       * What the class and context inputs get (default: the app's conditioning now). A job of
       * several calls (the sweep's timesteps, CKA's) passes the one it started with.
       */
      conditioning?: Conditioning;
    } = {},
  ): Promise<ExtractResult> {
    await this.ensureModel();
    const batches = Comlink.proxy(onBatch);
    const cond = options.conditioning ?? this.conditioning();
    const result = await this.bridge.call<ExtractResult, ExtractProgress>(
      (api, ctx) =>
        api.extract(
          ctx.jobId,
          items,
          req,
          batches,
          ctx.progress,
          options.batchSize ?? 0,
          options.useCache ?? true,
          options.cacheFull ?? false,
          cond,
        ),
      options,
    );
    if (result.cacheError) this.onCacheError?.(result.cacheError);
    return result;
  }

  /** A latent model's x0 for `items` (scale × encoder(image)); null for a pixel model. */
  async encode(items: FeatureItem[], options: JobOptions<never> = {}): Promise<PlainTensor | null> {
    await this.ensureModel();
    return this.bridge.call((api, ctx) => api.encode(ctx.jobId, items), options);
  }

  /** DDIM samples; each step's x_t arrives through `onStep`. */
  async sample(
    opts: { n: number; steps: number; seed: number },
    onStep: (s: SampleStep) => void,
    options: JobOptions<never> = {},
  ): Promise<PlainTensor> {
    await this.ensureModel();
    const steps = Comlink.proxy(onStep);
    const cond = this.conditioning();
    return this.bridge.call((api, ctx) => api.sample(ctx.jobId, opts, steps, cond), options);
  }

  cacheStats() {
    return this.bridge.call((api) => api.cacheStats());
  }

  clearCache() {
    return this.bridge.call((api) => api.clearCache());
  }

  dispose(): void {
    this.bridge.dispose();
  }
}
