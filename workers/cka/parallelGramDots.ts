/**
 * The float64 Gram products on several CPU threads: the centred representations go into shared
 * memory once, helper threads take row panels (largest first) as they become free, and the
 * panels' shares are added in panel order, so the result does not depend on the timing. Each
 * thread runs the WebAssembly SIMD kernel where it can ('auto'), else plain JS.
 */
import type { GramKernel } from '../../src/core/cka/gramDots';
import type { ThreadResult, ThreadSetup, ThreadTask } from './gramThread.worker';

/** Threads worth starting here (1 = stay on this thread). */
export function cpuThreads(): number {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

export async function parallelGramDots(
  Xc: readonly Float64Array[],
  dims: readonly number[],
  n: number,
  threads: number,
  onPanel: (share: number) => Promise<void> | void,
  kernel: 'auto' | GramKernel = 'auto',
): Promise<{ S: Float64Array; kernel: GramKernel }> {
  const m = Xc.length;
  const total = Xc.reduce((s, x) => s + x.length, 0);
  const shared = new Float64Array(new SharedArrayBuffer(total * 8));
  let off = 0;
  for (const x of Xc) {
    shared.set(x, off);
    off += x.length;
  }
  // panels of about n/(4·threads) rows, a multiple of 4 (the WASM kernel's row groups); the
  // later ones (longer rows) go first
  const P = Math.max(4, Math.ceil(n / (16 * threads)) * 4);
  const panels: [number, number][] = [];
  for (let r0 = 0; r0 < n; r0 += P) panels.push([r0, Math.min(n, r0 + P)]);
  const order = panels.map((_, i) => i).reverse();
  const results: Float64Array[] = new Array<Float64Array>(panels.length);
  const kernels = new Set<GramKernel>();
  const workers: Worker[] = [];
  const totalWork = (n * (n + 1)) / 2;
  let doneWork = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      const give = (w: Worker): void => {
        const index = order[next++];
        if (index === undefined) return;
        const [r0, r1] = panels[index]!;
        const task: ThreadTask = { kind: 'panel', index, r0, r1 };
        w.postMessage(task);
      };
      const setup: ThreadSetup = {
        kind: 'setup',
        data: shared,
        dims: [...dims],
        n,
        panel: P,
        kernel,
      };
      for (let t = 0; t < Math.min(threads, panels.length); t++) {
        const w = new Worker(new URL('./gramThread.worker.ts', import.meta.url), {
          type: 'module',
          name: `diffprobe-cka-thread-${t}`,
        });
        workers.push(w);
        w.onerror = (e) =>
          reject(new Error(`a CKA thread failed: ${e.message || 'unknown error'}`));
        w.onmessage = (e: MessageEvent<ThreadResult>) => {
          const { index, S, kernel: ran } = e.data;
          results[index] = S;
          kernels.add(ran);
          const [r0, r1] = panels[index]!;
          doneWork += (r1 * (r1 + 1) - r0 * (r0 + 1)) / 2;
          finished++;
          Promise.resolve(onPanel(doneWork / totalWork)).then(() => {
            if (finished === panels.length) resolve();
            else give(w);
          }, reject);
        };
        w.postMessage(setup);
        give(w);
      }
    });
  } finally {
    for (const w of workers) w.terminate();
  }
  const S = new Float64Array(m * m);
  for (const part of results) for (let k = 0; k < S.length; k++) S[k]! += part[k]!;
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) S[j * m + i] = S[i * m + j]!;
  // every thread runs in the same browser, so they all pick the same kernel
  return { S, kernel: kernels.has('js') ? 'js' : 'wasm' };
}
