/**
 * One CKA matrix job in the worker: centre every representation (float64), then the pairwise
 * Gram products on the GPU (WebGPU, f32 products, float64 sums) or on the CPU (float64, on the
 * WebAssembly SIMD kernel where it runs, else plain JS), panel by panel with a cancel check and a
 * progress report between panels.
 */
import { ckaMatrix } from '../../src/core/cka';
import { centerAll, ckaFromDots, gramDotSteps, type GramKernel } from '../../src/core/cka/gramDots';
import { checkpoint } from '../shared/jobs';
import { gpuContext, gpuGramDots } from './gpuGramDots';
import { cpuThreads, parallelGramDots } from './parallelGramDots';

export interface CkaRepresentation {
  /** n×d row-major. */
  data: Float32Array | Float64Array;
  d: number;
}

export type CkaDevice = 'auto' | 'cpu' | 'webgpu';

export interface CkaMatrixOptions {
  method: 'linear' | 'minibatch';
  /** Rows per minibatch (minibatch only). */
  batchSize: number;
  /** 'auto': WebGPU for the linear form when a device is there, else the CPU. */
  device: CkaDevice;
  /** CPU threads for the linear products (default: the machine's cores, when memory can be shared). */
  threads?: number;
  /** The CPU kernel: 'auto' (default) is WebAssembly SIMD where it runs, else plain JS. */
  kernel?: 'auto' | GramKernel;
}

export interface CkaMatrixResult {
  /** m×m, row-major, symmetric. */
  values: Float64Array;
  /** Where the products ran. */
  ranOn: 'cpu' | 'webgpu';
  /** Why (e.g. which adapter, or why not the GPU). */
  note: string;
  /** The CPU kernel that computed the products (absent on WebGPU and for minibatch CKA). */
  kernel?: GramKernel;
  ms: number;
}

export interface CkaProgress {
  done: number;
  stage: string;
}

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
  const Xc = centerAll(reps, n);
  const dims = reps.map((r) => r.d);
  let note = 'CPU, float64';
  if (opts.device !== 'cpu') {
    const gpu = await gpuContext();
    if (typeof gpu !== 'string' && gpu.fallback && opts.device === 'auto') {
      note = `CPU, float64 (the only WebGPU adapter is a software fallback: ${gpu.adapter})`;
    } else if (typeof gpu !== 'string') {
      progress({ done: 0, stage: `Gram products on WebGPU (${gpu.adapter})` });
      try {
        const S = await gpuGramDots(gpu, Xc, dims, n, async (share) => {
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
        note = `CPU, float64 (the GPU failed: ${e instanceof Error ? e.message : String(e)})`;
      }
    } else if (opts.device === 'webgpu') {
      throw new Error(`WebGPU is not available: ${gpu}`);
    } else note = `CPU, float64 (${gpu})`;
  }
  const threads = opts.threads ?? cpuThreads();
  const want = opts.kernel ?? 'auto';
  if (threads > 1) {
    progress({ done: 0, stage: `Gram products on ${threads} CPU threads` });
    const { S, kernel } = await parallelGramDots(
      Xc,
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
      note: `${note}, ${KERNEL_NAMES[kernel]}, ${threads} threads`,
      kernel,
      ms: performance.now() - t0,
    };
  }
  const steps = gramDotSteps(Xc, dims, n, { kernel: want });
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
    note: `${note}, ${KERNEL_NAMES[kernel]}`,
    kernel,
    ms: performance.now() - t0,
  };
}

const KERNEL_NAMES: Record<GramKernel, string> = {
  wasm: 'WebAssembly SIMD',
  js: 'plain JS',
};
