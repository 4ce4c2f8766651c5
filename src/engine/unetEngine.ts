import type { BackendInfo, BackendPreference } from '../../workers/ort/backend';
import type { TensorMap } from '../../workers/shared/tensors';
import type { LoadProgress, ModelSource, ModelSummary, UnetApi } from '../../workers/unet.worker';
import type { JobOptions, WorkerBridge } from './bridge';

/**
 * The model runtime as the app sees it: a backend that is started (and re-started after a
 * crash) on demand, and a model that is re-loaded into a fresh worker without the caller noticing.
 */
export class UnetEngine {
  private initedFor = -1;
  private info: BackendInfo | null = null;
  private source: ModelSource | null = null;
  private loadedFor = -1;

  constructor(
    readonly bridge: WorkerBridge<UnetApi>,
    private readonly preference: BackendPreference = 'auto',
  ) {}

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

  async load(source: ModelSource, options: JobOptions<LoadProgress> = {}): Promise<ModelSummary> {
    await this.backend();
    // Keep our own copy of picked bytes: a restarted worker needs them again.
    const keep: ModelSource =
      source.kind === 'bytes' ? { ...source, bytes: source.bytes.slice(0) } : source;
    const summary = await this.bridge.call(
      (api, ctx) => api.loadModel(ctx.jobId, source, ctx.progress),
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
    const source =
      this.source.kind === 'bytes'
        ? { ...this.source, bytes: this.source.bytes.slice(0) }
        : this.source;
    await this.bridge.call<ModelSummary, LoadProgress>((api, ctx) =>
      api.loadModel(ctx.jobId, source, ctx.progress),
    );
    this.loadedFor = this.bridge.starts;
  }

  async run(
    feeds: TensorMap,
    outputs: string[],
    options: JobOptions<never> = {},
  ): Promise<TensorMap> {
    await this.ensureModel();
    return this.bridge.call((api, ctx) => api.run(ctx.jobId, feeds, outputs), options);
  }

  dispose(): void {
    this.bridge.dispose();
  }
}
