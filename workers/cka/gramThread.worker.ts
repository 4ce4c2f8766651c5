/**
 * A helper thread of the CKA worker: holds every centred representation (shared memory, and a
 * packed copy in the WebAssembly SIMD kernel's memory where it runs) and computes the
 * Gram-product share S_ij of the row panels it is sent (src/core/cka/gramDots.ts).
 */
import { addPanelJs, type GramKernel } from '../../src/core/cka/gramDots';
import { WasmGram } from '../../src/core/cka/wasmGram';

export interface ThreadSetup {
  kind: 'setup';
  /** All representations back to back, n×d_i each, float64. */
  data: Float64Array;
  dims: number[];
  n: number;
  panel: number;
  kernel: 'auto' | GramKernel;
}

export interface ThreadTask {
  kind: 'panel';
  index: number;
  r0: number;
  r1: number;
}

export interface ThreadResult {
  index: number;
  /** m×m, lower triangle filled. */
  S: Float64Array;
  /** The kernel that computed it. */
  kernel: GramKernel;
}

let reps: Float64Array[] = [];
let dims: number[] = [];
let bufs: Float64Array[] = [];
let wasm: WasmGram | null = null;

self.onmessage = (e: MessageEvent<ThreadSetup | ThreadTask>) => {
  const msg = e.data;
  if (msg.kind === 'setup') {
    dims = msg.dims;
    let off = 0;
    reps = dims.map((d) => {
      const r = msg.data.subarray(off, off + msg.n * d);
      off += msg.n * d;
      return r;
    });
    wasm = msg.kernel === 'js' ? null : WasmGram.create(reps, dims, msg.n);
    if (!wasm && msg.kernel === 'wasm') throw new Error('WebAssembly SIMD is not available here');
    bufs = wasm ? [] : dims.map(() => new Float64Array(msg.panel * msg.n));
    return;
  }
  const m = dims.length;
  const S = new Float64Array(m * m);
  if (wasm) wasm.addPanel(msg.r0, msg.r1, S);
  else addPanelJs(reps, dims, msg.r0, msg.r1, bufs, S);
  const result: ThreadResult = { index: msg.index, S, kernel: wasm ? 'wasm' : 'js' };
  (self as unknown as Worker).postMessage(result, [S.buffer]);
};
