/**
 * A helper thread of the CKA worker (see gramThreads.ts): for one job it reads every raw
 * representation from shared memory, centres it (column means in float64) while copying it into
 * its kernel's layout — the WebAssembly SIMD kernel's memory, or float64 arrays for plain JS —
 * then computes the Gram-product share S_ij of each row panel it is sent
 * (src/core/cka/gramDots.ts). Threads of one job centre and pack in parallel, each its own copy.
 */
import { addPanelJs, type GramKernel } from '../../src/core/cka/gramDots';
import { WasmGram } from '../../src/core/cka/wasmGram';
import { centerColumns } from '../../src/core/linalg/matrix';

export interface ThreadSetup {
  kind: 'setup';
  job: number;
  /** All representations back to back, n×d_i each (shared memory). */
  data: Float32Array | Float64Array;
  dims: number[];
  n: number;
  /** Rows per panel (the JS kernel's scratch size). */
  panel: number;
  kernel: 'auto' | GramKernel;
}

export interface ThreadTask {
  kind: 'panel';
  job: number;
  index: number;
  r0: number;
  r1: number;
}

/** Drop the job's copies (their memory goes back to the garbage collector). */
export interface ThreadRelease {
  kind: 'release';
}

export type ThreadMessage = ThreadSetup | ThreadTask | ThreadRelease;

export type ThreadReply =
  | { kind: 'ready'; job: number; kernel: GramKernel }
  | {
      kind: 'panel';
      job: number;
      index: number;
      /** m×m, lower triangle filled. */
      S: Float64Array;
    }
  | { kind: 'error'; job: number; message: string };

interface JobState {
  job: number;
  m: number;
  wasm: WasmGram | null;
  /** Centred float64 copies and scratch panels (JS kernel only). */
  reps: Float64Array[];
  dims: number[];
  bufs: Float64Array[];
}

let state: JobState | null = null;

function setup(msg: ThreadSetup): GramKernel {
  const { data, dims, n } = msg;
  const raw: (Float32Array | Float64Array)[] = [];
  let off = 0;
  for (const d of dims) {
    raw.push(data.subarray(off, off + n * d));
    off += n * d;
  }
  state = null;
  if (msg.kernel !== 'js') {
    const kernel = msg.kernel === 'auto' ? 'wasm-f32' : msg.kernel;
    const wasm = WasmGram.create(raw, dims, n, { kernel, centre: true });
    if (wasm) {
      state = { job: msg.job, m: dims.length, wasm, reps: [], dims, bufs: [] };
      return wasm.kernel;
    }
    if (msg.kernel !== 'auto') throw new Error('WebAssembly SIMD is not available here');
  }
  const reps = raw.map((x, i) => centerColumns(x, n, dims[i]!));
  const bufs = dims.map(() => new Float64Array(msg.panel * n));
  state = { job: msg.job, m: dims.length, wasm: null, reps, dims, bufs };
  return 'js';
}

function panel(msg: ThreadTask): Float64Array {
  if (!state || state.job !== msg.job) throw new Error('a CKA thread got a panel before its data');
  const S = new Float64Array(state.m * state.m);
  if (state.wasm) state.wasm.addPanel(msg.r0, msg.r1, S);
  else addPanelJs(state.reps, state.dims, msg.r0, msg.r1, state.bufs, S);
  return S;
}

const post = (reply: ThreadReply, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(reply, transfer);

self.onmessage = (e: MessageEvent<ThreadMessage>) => {
  const msg = e.data;
  if (msg.kind === 'release') {
    state = null;
    return;
  }
  try {
    if (msg.kind === 'setup') post({ kind: 'ready', job: msg.job, kernel: setup(msg) });
    else {
      const S = panel(msg);
      post({ kind: 'panel', job: msg.job, index: msg.index, S }, [S.buffer]);
    }
  } catch (err) {
    post({
      kind: 'error',
      job: msg.job,
      message: err instanceof Error ? err.message : String(err),
    });
  }
};
