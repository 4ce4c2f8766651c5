/**
 * The CKA worker: CKA matrices (linear on WebGPU or the CPU, minibatch on the CPU) and the PCA
 * of one block's features for the 2-D map. Heavy numbers never run on the main thread.
 */
import * as Comlink from 'comlink';
import { pca } from '../src/core/pca';
import {
  runCkaMatrix,
  type CkaMatrixOptions,
  type CkaMatrixResult,
  type CkaProgress,
  type CkaRepresentation,
} from './cka/matrixJob';
import { gpuContext } from './cka/gpuGramDots';
import { JobRegistry } from './shared/jobs';

export type {
  CkaMatrixOptions,
  CkaMatrixResult,
  CkaProgress,
  CkaRepresentation,
} from './cka/matrixJob';

export interface PcaMap {
  /** n×2 row-major. */
  points: Float64Array;
  /** Share of the variance of PC1 and PC2. */
  explained: [number, number];
}

const jobs = new JobRegistry();

const api = {
  /** Which device the linear products would run on, and why. */
  async device(): Promise<{ webgpu: boolean; note: string }> {
    const gpu = await gpuContext();
    return typeof gpu === 'string'
      ? { webgpu: false, note: gpu }
      : { webgpu: true, note: gpu.adapter };
  },

  async matrix(
    jobId: string,
    reps: CkaRepresentation[],
    n: number,
    opts: CkaMatrixOptions,
    progress: (p: CkaProgress) => void,
  ): Promise<CkaMatrixResult> {
    return jobs.run(jobId, async (signal) => {
      const result = await runCkaMatrix(reps, n, opts, signal, progress);
      return Comlink.transfer(result, [result.values.buffer]);
    });
  },

  /** The first two principal components of n×d features. */
  pcaMap(data: Float32Array, n: number, d: number): PcaMap {
    const r = pca(data, n, d, Math.min(2, n, d));
    const points = new Float64Array(n * 2);
    const k = r.projected.length / n;
    for (let i = 0; i < n; i++) {
      points[2 * i] = r.projected[i * k]!;
      points[2 * i + 1] = k > 1 ? r.projected[i * k + 1]! : 0;
    }
    return Comlink.transfer(
      { points, explained: [r.explainedVarianceRatio[0] ?? 0, r.explainedVarianceRatio[1] ?? 0] },
      [points.buffer],
    );
  },

  cancel(jobId: string): void {
    jobs.cancel(jobId);
  },
};

export type CkaApi = typeof api;

Comlink.expose(api);
