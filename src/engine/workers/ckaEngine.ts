import * as Comlink from 'comlink';
import type {
  CkaMatrixOptions,
  CkaMatrixResult,
  CkaProgress,
  CkaRepresentation,
  PcaMap,
  UmapMap,
} from '../../protocol/cka';
import type { CkaApi } from '../../../workers/cka.worker';
import type { JobOptions, WorkerBridge } from './bridge';
import { createCkaBridge } from './create';

/** The main-thread side of the CKA worker. Inputs are copied (the caller keeps its features). */
export class CkaEngine {
  constructor(readonly bridge: WorkerBridge<CkaApi> = createCkaBridge()) {}

  device(): Promise<{ webgpu: boolean; note: string }> {
    return this.bridge.call((api) => api.device());
  }

  matrix(
    reps: readonly CkaRepresentation[],
    n: number,
    opts: CkaMatrixOptions,
    options: JobOptions<CkaProgress> = {},
  ): Promise<CkaMatrixResult> {
    const copies = reps.map((r) => ({ data: r.data.slice(), d: r.d }));
    return this.bridge.call<CkaMatrixResult, CkaProgress>(
      (api, ctx) =>
        api.matrix(
          ctx.jobId,
          Comlink.transfer(
            copies,
            copies.map((c) => c.data.buffer as ArrayBuffer),
          ),
          n,
          opts,
          ctx.progress,
        ),
      options,
    );
  }

  pcaMap(data: Float32Array, n: number, d: number, labels: number[]): Promise<PcaMap> {
    return this.bridge.call((api) => api.pcaMap(data, n, d, labels));
  }

  umapMap(
    data: Float32Array,
    n: number,
    d: number,
    labels: number[],
    options: JobOptions<CkaProgress> = {},
  ): Promise<UmapMap> {
    return this.bridge.call<UmapMap, CkaProgress>(
      (api, ctx) => api.umapMap(ctx.jobId, data, n, d, labels, ctx.progress),
      options,
    );
  }

  dispose(): void {
    this.bridge.dispose();
  }
}
