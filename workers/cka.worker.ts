/**
 * The CKA worker: CKA matrices (linear on WebGPU or the CPU, minibatch on the CPU) and the 2-D
 * map of one block's features (PCA, or UMAP) with its k-NN class separation. Heavy numbers never run on the main thread.
 */
import * as Comlink from 'comlink';
import { knnAccuracy } from '../src/core/embedding/knn';
import { umap2d } from '../src/core/embedding/umap';
import { pca } from '../src/core/pca';
import type {
  CkaMatrixOptions,
  CkaMatrixResult,
  CkaProgress,
  CkaRepresentation,
  PcaMap,
  UmapMap,
} from '../src/protocol/cka';
import { runCkaMatrix } from './cka/matrixJob';
import { gpuContext } from './cka/gpuGramDots';
import { installErrorTransfer } from './shared/errorTransfer';
import { JobRegistry } from './shared/jobs';

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

  /** The first two principal components of n×d features (and their k-NN accuracy). */
  pcaMap(data: Float32Array, n: number, d: number, labels: number[]): PcaMap {
    const r = pca(data, n, d, Math.min(2, n, d));
    const points = new Float64Array(n * 2);
    const k = r.projected.length / n;
    for (let i = 0; i < n; i++) {
      points[2 * i] = r.projected[i * k]!;
      points[2 * i + 1] = k > 1 ? r.projected[i * k + 1]! : 0;
    }
    return Comlink.transfer(
      {
        points,
        explained: [r.explainedVarianceRatio[0] ?? 0, r.explainedVarianceRatio[1] ?? 0],
        knn: knnAccuracy(data, n, d, labels),
      },
      [points.buffer],
    );
  },

  /** A seeded 2-D UMAP of n×d features, with progress per epoch and cancel. */
  async umapMap(
    jobId: string,
    data: Float32Array,
    n: number,
    d: number,
    labels: number[],
    progress: (p: { done: number; stage: string }) => void,
  ): Promise<UmapMap> {
    return jobs.run(jobId, async (signal) => {
      const knn = knnAccuracy(data, n, d, labels);
      const points = await umap2d(data, n, d, {
        seed: 0,
        onEpoch: (epoch, epochs) => {
          if (epoch % 10 === 0)
            progress({ done: epoch / epochs, stage: `UMAP: epoch ${epoch} of ${epochs}` });
          return !signal.aborted;
        },
      });
      return Comlink.transfer({ points, knn }, [points.buffer]);
    });
  },

  cancel(jobId: string): void {
    jobs.cancel(jobId);
  },
};

export type CkaApi = typeof api;

installErrorTransfer();
Comlink.expose(api);
