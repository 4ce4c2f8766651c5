/**
 * One CKA matrix job in the worker: the pairwise Gram products of the column-centred (float64)
 * representations on the GPU (WebGPU, f32 products, float64 sums) or on the CPU (WebAssembly
 * SIMD with f32 products and float64 sums by default, or float64 throughout; plain JS where SIMD
 * is missing), on helper threads that stay up between matrices and centre their own copies,
 * panel by panel with a cancel check and a progress report between panels.
 */
import { ckaMatrix } from '../../src/core/cka';
import {
  centerAll,
  checkRepresentations,
  ckaFromDots,
  GRAM_KERNEL_NAMES,
  gramDotSteps,
} from '../../src/core/cka/gramDots';
import type {
  CkaMatrixOptions,
  CkaMatrixResult,
  CkaProgress,
  CkaRepresentation,
} from '../../src/protocol/cka';
import { checkpoint } from '../shared/jobs';
import { gpuContext, gpuGramDots } from './gpuGramDots';
import { cpuThreads, GramThreadPool } from './gramThreads';

/** The CPU threads of every matrix this worker computes. */
const pool = new GramThreadPool();

export async function runCkaMatrix(
  reps: readonly CkaRepresentation[],
  n: number,
  opts: CkaMatrixOptions,
  signal: AbortSignal,
  progress: (p: CkaProgress) => void,
): Promise<CkaMatrixResult> {
  const t0 = performance.now();
  const m = reps.length;
  if (opts.method === 'minibatch') {
    progress({ done: 0, stage: 'minibatch CKA (CPU, float64)' });
    const values = ckaMatrix(reps, n, { kind: 'minibatch', batchSize: opts.batchSize });
    progress({ done: 1, stage: 'done' });
    return { values, ranOn: 'cpu', note: 'minibatch: CPU, float64', ms: performance.now() - t0 };
  }
  checkRepresentations(reps, n);
  const dims = reps.map((r) => r.d);
  let note = 'CPU';
  if (opts.device !== 'cpu') {
    const gpu = await gpuContext();
    if (typeof gpu !== 'string' && gpu.fallback && opts.device === 'auto') {
      note = `CPU (the only WebGPU adapter is a software fallback: ${gpu.adapter})`;
    } else if (typeof gpu !== 'string') {
      progress({ done: 0, stage: `Gram products on WebGPU (${gpu.adapter})` });
      try {
        const S = await gpuGramDots(gpu, centerAll(reps, n), dims, n, async (share) => {
          progress({ done: share, stage: 'Gram products on WebGPU' });
          await checkpoint(signal);
        });
        return {
          values: ckaFromDots(S, m),
          ranOn: 'webgpu',
          note: `WebGPU (${gpu.adapter}): f32 products, float64 sums`,
          ms: performance.now() - t0,
        };
      } catch (e) {
        if (signal.aborted) throw e;
        if (opts.device === 'webgpu') throw e;
        note = `CPU (the GPU failed: ${e instanceof Error ? e.message : String(e)})`;
      }
    } else if (opts.device === 'webgpu') {
      throw new Error(`WebGPU is not available: ${gpu}`);
    } else note = `CPU (${gpu})`;
  }
  const threads = opts.threads ?? cpuThreads();
  const want = opts.kernel ?? 'auto';
  if (threads > 1) {
    progress({ done: 0, stage: `Gram products on ${threads} CPU threads` });
    const { S, kernel, setupMs, started } = await pool.run(
      reps.map((r) => r.data),
      dims,
      n,
      threads,
      async (share) => {
        progress({ done: share, stage: `Gram products on ${threads} CPU threads` });
        await checkpoint(signal);
      },
      want,
    );
    return {
      values: ckaFromDots(S, m),
      ranOn: 'cpu',
      note: `${note}, ${GRAM_KERNEL_NAMES[kernel]}, ${threads} threads`,
      kernel,
      ms: performance.now() - t0,
      threads: { count: threads, setupMs, started },
    };
  }
  const steps = gramDotSteps(centerAll(reps, n), dims, n, { kernel: want });
  let r = steps.next();
  while (!r.done) {
    progress({ done: r.value, stage: 'Gram products on the CPU' });
    await checkpoint(signal);
    r = steps.next();
  }
  const { S, kernel } = r.value;
  return {
    values: ckaFromDots(S, m),
    ranOn: 'cpu',
    note: `${note}, ${GRAM_KERNEL_NAMES[kernel]}`,
    kernel,
    ms: performance.now() - t0,
  };
}
