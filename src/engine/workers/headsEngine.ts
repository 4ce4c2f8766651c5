import * as Comlink from 'comlink';
import type { NamedParam } from '../../core/heads/init';
import type { TrainConfig } from '../../core/heads/optim';
import type { Standardizer } from '../../core/heads/standardize';
import type {
  EpochReport,
  HeadData,
  HeadShape,
  HeadsBackendInfo,
  HeadsBackendPreference,
  TrainOutcome,
} from '../../protocol/heads';
import type { HeadsApi } from '../../../workers/heads.worker';
import type { JobOptions, WorkerBridge } from './bridge';

/** `?heads=wasm|cpu|webgpu` picks the training backend (default: WebGPU, else WASM, else CPU). */
export function headsPreference(): HeadsBackendPreference {
  const v =
    typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('heads');
  return v === 'wasm' || v === 'cpu' || v === 'webgpu' ? v : 'auto';
}

/** The main-thread side of the heads worker: training and prediction with cancellation. */
export class HeadsEngine {
  private info: HeadsBackendInfo | null = null;
  private initedFor = -1;

  constructor(
    readonly bridge: WorkerBridge<HeadsApi>,
    private readonly preference: HeadsBackendPreference = 'auto',
  ) {}

  async backend(): Promise<HeadsBackendInfo> {
    if (this.info && this.bridge.running && this.initedFor === this.bridge.starts) return this.info;
    const info = await this.bridge.call((api) => api.init(this.preference));
    this.info = info;
    this.initedFor = this.bridge.starts;
    return info;
  }

  async train(
    head: HeadShape,
    data: HeadData,
    config: TrainConfig,
    onEpoch: (r: EpochReport) => void,
    options: Pick<JobOptions<never>, 'signal'> & {
      evalEveryEpoch?: boolean;
      /**
       * Hand the feature tables (trainX, testX) over instead of copying them: a copy of a
       * large table blocks the page for its whole length. The caller's arrays are empty after.
       */
      transferFeatures?: boolean;
    } = {},
  ): Promise<TrainOutcome> {
    await this.backend();
    const epochs = Comlink.proxy(onEpoch);
    const buffers = [data.trainX.buffer, data.testX.buffer] as ArrayBuffer[];
    const sent =
      options.transferFeatures && buffers[0] !== buffers[1]
        ? Comlink.transfer(data, buffers)
        : data;
    return this.bridge.call(
      (api, ctx) =>
        api.train(ctx.jobId, head, sent, config, epochs, options.evalEveryEpoch ?? true),
      options,
    );
  }

  async predict(
    head: HeadShape,
    params: NamedParam[],
    standardizer: Standardizer | null,
    rows: Float32Array,
    options: JobOptions<never> = {},
  ): Promise<Float32Array> {
    await this.backend();
    return this.bridge.call(
      (api, ctx) => api.predict(ctx.jobId, head, params, standardizer, rows),
      options,
    );
  }

  dispose(): void {
    this.bridge.dispose();
  }
}
