/**
 * A helper thread of the CKA worker: holds every centred representation (shared memory) and
 * computes the Gram-product share S_ij of the row panels it is sent (src/core/cka/gramDots.ts).
 */
import { gramPanel, panelDot } from '../../src/core/cka/gramDots';

export interface ThreadSetup {
  kind: 'setup';
  /** All representations back to back, n×d_i each, float64. */
  data: Float64Array;
  dims: number[];
  n: number;
  panel: number;
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
}

let reps: Float64Array[] = [];
let dims: number[] = [];
let bufs: Float64Array[] = [];

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
    bufs = dims.map(() => new Float64Array(msg.panel * msg.n));
    return;
  }
  const m = dims.length;
  const S = new Float64Array(m * m);
  for (let i = 0; i < m; i++) gramPanel(reps[i]!, dims[i]!, msg.r0, msg.r1, bufs[i]!);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) S[i * m + j] = panelDot(bufs[i]!, bufs[j]!, msg.r0, msg.r1);
  }
  const result: ThreadResult = { index: msg.index, S };
  (self as unknown as Worker).postMessage(result, [S.buffer]);
};
