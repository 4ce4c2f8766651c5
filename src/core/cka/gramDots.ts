/**
 * The work behind a CKA matrix of many representations of the same n examples: the Frobenius
 * inner products S_ij = ⟨K_i, K_j⟩ of their centred Gram matrices K_i = Xc_i·Xc_iᵀ (equal to
 * ‖Xc_iᵀXc_j‖²_F), from which CKA_ij = S_ij / sqrt(S_ii·S_jj).
 *
 * The Grams are built panel by panel (P rows at a time, only the lower triangle: K is
 * symmetric), so memory stays at m·P·n values however large n is, and each Gram costs n²·d/2
 * multiply-adds once, shared by all its pairs. Three kernels compute them: WebAssembly SIMD with
 * float32 products and float64 sums ('wasm-f32', the default where WebAssembly SIMD runs),
 * WebAssembly SIMD in float64 ('wasm-f64') and plain JS in float64 ('js', the fallback).
 */
import { centerColumns, checkMatrix, type Matrix } from '../linalg/matrix';
import { WasmGram, type WasmKernel } from './wasmGram';

export interface Representation {
  /** n×d row-major. */
  data: Matrix;
  d: number;
}

/** Throws a RangeError unless every representation is n×d_i and n ≥ 2. */
export function checkRepresentations(reps: readonly Representation[], n: number): void {
  reps.forEach((r, i) => checkMatrix(r.data, n, r.d, `representation ${i}`));
  if (n < 2) throw new RangeError(`CKA needs at least 2 examples, got ${n}`);
}

/** Column-centred float64 copies of every representation (checks shapes). */
export function centerAll(reps: readonly Representation[], n: number): Float64Array[] {
  checkRepresentations(reps, n);
  return reps.map((r) => centerColumns(r.data, n, r.d));
}

/**
 * Rows [r0, r1) of the Gram X·Xᵀ, columns [0, r1) (the lower triangle and the diagonal block),
 * written to `out` as (r1 − r0)×r1 row-major, in plain JS (the fallback where WebAssembly SIMD
 * is missing; wasmGram.ts is the fast path). Four rows by two columns per step (8 products per
 * 6 loads); the last rows of a panel that do not make 4, and an odd last column, one dot
 * product at a time. Each dot product is float64. Entries above the diagonal inside the panel
 * may be written too; they are never read.
 */
export function gramPanel(
  X: Float64Array,
  d: number,
  r0: number,
  r1: number,
  out: Float64Array,
): void {
  const w = r1;
  let r = r0;
  for (; r + 3 < r1; r += 4) gramRows4(X, d, r, (r - r0) * w, w, out);
  for (; r < r1; r++) {
    const o = (r - r0) * w;
    for (let c = 0; c <= r; c++) out[o + c] = rowDot(X, d, r, c);
  }
}

/** ⟨X_a, X_b⟩ over the d columns. */
function rowDot(X: Float64Array, d: number, a: number, b: number): number {
  const p = a * d;
  const q = b * d;
  let s = 0;
  for (let k = 0; k < d; k++) s += X[p + k]! * X[q + k]!;
  return s;
}

/** Rows r..r+3, columns [0, r + 4), into `out` from offset o0 (row stride w). */
function gramRows4(
  X: Float64Array,
  d: number,
  r: number,
  o0: number,
  w: number,
  out: Float64Array,
): void {
  const a0 = r * d;
  const a1 = a0 + d;
  const a2 = a1 + d;
  const a3 = a2 + d;
  const o1 = o0 + w;
  const o2 = o1 + w;
  const o3 = o2 + w;
  const cEnd = r + 4;
  let c = 0;
  for (; c + 1 < cEnd; c += 2) {
    const p = c * d;
    const q = p + d;
    let s00 = 0;
    let s01 = 0;
    let s10 = 0;
    let s11 = 0;
    let s20 = 0;
    let s21 = 0;
    let s30 = 0;
    let s31 = 0;
    for (let k = 0; k < d; k++) {
      const y0 = X[p + k]!;
      const y1 = X[q + k]!;
      const x0 = X[a0 + k]!;
      const x1 = X[a1 + k]!;
      const x2 = X[a2 + k]!;
      const x3 = X[a3 + k]!;
      s00 += x0 * y0;
      s01 += x0 * y1;
      s10 += x1 * y0;
      s11 += x1 * y1;
      s20 += x2 * y0;
      s21 += x2 * y1;
      s30 += x3 * y0;
      s31 += x3 * y1;
    }
    out[o0 + c] = s00;
    out[o0 + c + 1] = s01;
    out[o1 + c] = s10;
    out[o1 + c + 1] = s11;
    out[o2 + c] = s20;
    out[o2 + c + 1] = s21;
    out[o3 + c] = s30;
    out[o3 + c + 1] = s31;
  }
  if (c < cEnd) for (let i = 0; i < 4; i++) out[o0 + i * w + c] = rowDot(X, d, r + i, c);
}

/**
 * Adds Σ_{r ∈ [r0, r1), c ≤ r} w_rc·A_rc·B_rc to a sum, w = 2 below the diagonal and 1 on it:
 * the panel's share of ⟨K_a, K_b⟩ over the full symmetric matrices.
 */
export function panelDot(A: Float64Array, B: Float64Array, r0: number, r1: number): number {
  const w = r1;
  let off = 0;
  let diag = 0;
  for (let r = r0; r < r1; r++) {
    const o = (r - r0) * w;
    let s = 0;
    for (let c = 0; c < r; c++) s += A[o + c]! * B[o + c]!;
    off += s;
    diag += A[o + r]! * B[o + r]!;
  }
  return 2 * off + diag;
}

/**
 * Where the Gram products run: WebAssembly SIMD with float32 products and float64 sums, or in
 * float64 throughout on WebAssembly SIMD or plain JS.
 */
export type GramKernel = WasmKernel | 'js';

/** What each kernel is called in the UI and the bench. */
export const GRAM_KERNEL_NAMES: Record<GramKernel, string> = {
  'wasm-f32': 'WebAssembly SIMD, f32 products, float64 sums',
  'wasm-f64': 'WebAssembly SIMD, float64',
  js: 'plain JS, float64',
};

export interface GramDotOptions {
  /** Rows per panel (default: as many as fit 64 Mi float64 values over all representations). */
  panel?: number;
  /** Called after each panel with the share of the work done (0..1]. */
  onPanel?: (done: number) => void;
  /** 'auto' (default): 'wasm-f32' where WebAssembly SIMD runs, else 'js'. */
  kernel?: 'auto' | GramKernel;
}

/** A panel height such that m panels of P×n float64 fit `budget` values. */
export function panelRows(m: number, n: number, budget = 8 * 2 ** 20): number {
  return Math.max(2, Math.min(n, Math.floor(budget / Math.max(1, m * n))));
}

/** Rows per step on the WASM kernel (a multiple of 4; it works in sub-panels of its own). */
const WASM_STEP_ROWS = 64;

/**
 * S (m×m, symmetric) with S_ij = ⟨K_i, K_j⟩ for column-centred representations `Xc` (n×d_i).
 * Synchronous; the worker uses `gramDotSteps` to yield between panels.
 */
export function gramDots(
  Xc: readonly Float64Array[],
  dims: readonly number[],
  n: number,
  options: GramDotOptions = {},
): Float64Array {
  const steps = gramDotSteps(Xc, dims, n, options);
  let r = steps.next();
  while (!r.done) {
    options.onPanel?.(r.value);
    r = steps.next();
  }
  return r.value.S;
}

/** The same as `gramDots`, one panel per step; yields the share done, returns S and the kernel. */
export function* gramDotSteps(
  Xc: readonly Float64Array[],
  dims: readonly number[],
  n: number,
  options: Pick<GramDotOptions, 'panel' | 'kernel'> = {},
): Generator<number, { S: Float64Array; kernel: GramKernel }> {
  const m = Xc.length;
  const S = new Float64Array(m * m);
  const total = (n * (n + 1)) / 2;
  const want = options.kernel ?? 'auto';
  const wasm =
    want === 'js'
      ? null
      : WasmGram.create(Xc, dims, n, { kernel: want === 'auto' ? 'wasm-f32' : want });
  if (!wasm && want !== 'auto' && want !== 'js') {
    throw new Error('WebAssembly SIMD is not available here');
  }
  const P = wasm
    ? Math.ceil((options.panel ?? WASM_STEP_ROWS) / 4) * 4
    : (options.panel ?? panelRows(m, n));
  const bufs = wasm ? [] : Xc.map(() => new Float64Array(P * n));
  for (let r0 = 0; r0 < n; r0 += P) {
    const r1 = Math.min(n, r0 + P);
    if (wasm) wasm.addPanel(r0, r1, S);
    else addPanelJs(Xc, dims, r0, r1, bufs, S);
    yield (r1 * (r1 + 1)) / 2 / total;
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) S[j * m + i] = S[i * m + j]!;
  return { S, kernel: wasm ? wasm.kernel : 'js' };
}

/**
 * Adds the share of rows [r0, r1) to every S_ij, i ≥ j, in plain JS (`bufs`: m scratch panels
 * of at least (r1 − r0)·r1 values).
 */
export function addPanelJs(
  Xc: readonly Float64Array[],
  dims: readonly number[],
  r0: number,
  r1: number,
  bufs: readonly Float64Array[],
  S: Float64Array,
): void {
  const m = Xc.length;
  for (let i = 0; i < m; i++) gramPanel(Xc[i]!, dims[i]!, r0, r1, bufs[i]!);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) S[i * m + j]! += panelDot(bufs[i]!, bufs[j]!, r0, r1);
  }
}

/** CKA_ij = S_ij / sqrt(S_ii·S_jj) (NaN where a representation is constant). */
export function ckaFromDots(S: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      out[i * m + j] = S[i * m + j]! / Math.sqrt(S[i * m + i]! * S[j * m + j]!);
    }
  }
  return out;
}

/** The linear-CKA matrix of all representations (m×m), through `gramDots`. */
export function linearCkaMatrix(
  reps: readonly Representation[],
  n: number,
  options: GramDotOptions = {},
): Float64Array {
  const Xc = centerAll(reps, n);
  return ckaFromDots(
    gramDots(
      Xc,
      reps.map((r) => r.d),
      n,
      options,
    ),
    reps.length,
  );
}
