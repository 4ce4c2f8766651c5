/**
 * The Gram products of gramDots.ts on the WebAssembly SIMD kernels of wasm/gram.wat:
 * - 'wasm-f32': f32x4 products, float32 partial sums of at most 16 products per lane, float64
 *   beyond (twice the products per instruction of float64 SIMD);
 * - 'wasm-f64': f64x2, float64 products and sums.
 * The representations are centred while they are copied, once, into the module's memory, padded
 * and packed in groups of 4 rows; for 'wasm-f32' each is first scaled by a power of two that
 * brings its largest value near 1 (exact, and undone on the results), so float32 neither
 * overflows nor underflows whatever the activations' magnitude. Each panel is then built and
 * dotted in sub-panels of SUB_ROWS rows, so the m panels being dotted stay in the CPU's caches.
 */
import { GRAM_WASM_BASE64 } from './wasm/gramWasm';

/** The two WebAssembly kernels (gramDots.ts adds the plain JS one). */
export type WasmKernel = 'wasm-f32' | 'wasm-f64';

interface GramExports {
  memory: WebAssembly.Memory;
  gram(base: number, d4: number, r0: number, r1: number, out: number, w: number): void;
  gram32(base: number, d8: number, r0: number, r1: number, out: number, w: number): void;
  dot(a: number, b: number, r0: number, r1: number, w: number): number;
}

/** Rows per sub-panel (a multiple of 4). */
export const SUB_ROWS = 8;

let compiled: WebAssembly.Module | null | undefined;

function bytes(): Uint8Array<ArrayBuffer> {
  const s = atob(GRAM_WASM_BASE64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** The compiled kernel, or null where WebAssembly or its SIMD is missing. */
export function gramWasmModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const b = bytes();
    compiled = WebAssembly.validate(b) ? new WebAssembly.Module(b) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

export function wasmSimdAvailable(): boolean {
  return gramWasmModule() !== null;
}

const up = (x: number, k: number): number => Math.ceil(x / k) * k;

/** Values per column group of each layout (f64x2 pairs, f32x4 quads) and column padding. */
const LAYOUT = {
  'wasm-f64': { lanes: 2, pad: 4, bytes: 8 },
  'wasm-f32': { lanes: 4, pad: 8, bytes: 4 },
} as const;

/**
 * X (n×d, row-major) into `dst`, centred by `mean` (when given) and multiplied by `scale`, padded
 * to ⌈n/4⌉·4 rows × `dPad` columns with zeros, in groups of 4 rows interleaved by groups of
 * `lanes` columns (2: the float64 layout, 4: the float32 one). Writes `dst` in order.
 */
export function packRows(
  X: ArrayLike<number>,
  n: number,
  d: number,
  dPad: number,
  dst: Float64Array | Float32Array,
  lanes: 2 | 4 = 2,
  mean: ArrayLike<number> = new Float64Array(d),
  scale = 1,
): void {
  let p = 0;
  const n4 = up(n, 4);
  for (let g = 0; g < n4; g += 4) {
    const fullRows = g + 4 <= n;
    for (let k0 = 0; k0 < dPad; k0 += lanes) {
      if (fullRows && k0 + lanes <= d) {
        for (let rr = 0; rr < 4; rr++) {
          const src = (g + rr) * d + k0;
          for (let kk = 0; kk < lanes; kk++) dst[p++] = (X[src + kk]! - mean[k0 + kk]!) * scale;
        }
        continue;
      }
      for (let rr = 0; rr < 4; rr++) {
        const r = g + rr;
        const src = r * d;
        for (let kk = 0; kk < lanes; kk++) {
          const k = k0 + kk;
          dst[p++] = r < n && k < d ? (X[src + k]! - mean[k]!) * scale : 0;
        }
      }
    }
  }
}

/** Column means of X (n×d) and the largest |x − mean| over the whole matrix, in one pass. */
export function columnStats(
  X: ArrayLike<number>,
  n: number,
  d: number,
): { mean: Float64Array; maxDeviation: number } {
  const mean = new Float64Array(d);
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let k = 0; k < d; k++) {
      const v = X[o + k]!;
      mean[k]! += v;
      if (v < lo[k]!) lo[k] = v;
      if (v > hi[k]!) hi[k] = v;
    }
  }
  let maxDeviation = 0;
  for (let k = 0; k < d; k++) {
    mean[k]! /= n;
    maxDeviation = Math.max(maxDeviation, hi[k]! - mean[k]!, mean[k]! - lo[k]!);
  }
  return { mean, maxDeviation };
}

/** 2^−e with 2^e the power of two at or above `max` (1 for 0, NaN or ∞). */
export function unitScaleOf(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  return 2 ** -Math.ceil(Math.log2(max));
}

/** 2^−e with 2^e the power of two at or above max |x − mean| (1 for an all-zero matrix). */
export function unitScale(
  X: ArrayLike<number>,
  n: number,
  d: number,
  mean?: ArrayLike<number>,
): number {
  let max = 0;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let k = 0; k < d; k++) {
      const v = Math.abs(X[o + k]! - (mean ? mean[k]! : 0));
      if (v > max) max = v;
    }
  }
  return unitScaleOf(max);
}

export interface WasmGramOptions {
  /** Default 'wasm-f32'. */
  kernel?: WasmKernel;
  /**
   * Raw (uncentred) representations: their column means are subtracted while they are packed
   * (in float64, before any rounding to float32). Default: they are centred already.
   */
  centre?: boolean;
}

export class WasmGram {
  private constructor(
    private readonly ex: GramExports,
    readonly kernel: WasmKernel,
    private readonly bases: readonly number[],
    private readonly dPad: readonly number[],
    private readonly outs: readonly number[],
    private readonly n4: number,
    /** 1/scale² per representation: what a Gram entry of the scaled copy is multiplied by. */
    private readonly unscale: readonly number[],
  ) {}

  /** The kernel loaded with every representation, or null where WASM SIMD or the memory is missing. */
  static create(
    X: readonly ArrayLike<number>[],
    dims: readonly number[],
    n: number,
    options: WasmGramOptions = {},
  ): WasmGram | null {
    const mod = gramWasmModule();
    if (!mod) return null;
    const kernel = options.kernel ?? 'wasm-f32';
    const layout = LAYOUT[kernel];
    const ex = new WebAssembly.Instance(mod).exports as unknown as GramExports;
    const n4 = up(n, 4);
    const dPad = dims.map((d) => up(d, layout.pad));
    const bases: number[] = [];
    let at = 0;
    for (const d of dPad) {
      bases.push(at);
      at += n4 * d * layout.bytes;
    }
    const outs = dims.map((_, i) => at + i * SUB_ROWS * n4 * 8);
    const bytesNeeded = at + dims.length * SUB_ROWS * n4 * 8;
    if (bytesNeeded > 2 ** 31) return null;
    const pages = Math.ceil(bytesNeeded / 65536) - ex.memory.buffer.byteLength / 65536;
    try {
      if (pages > 0) ex.memory.grow(pages);
    } catch {
      return null;
    }
    const unscale: number[] = [];
    X.forEach((x, i) => {
      const d = dims[i]!;
      let mean: Float64Array | undefined;
      let scale = 1;
      if (options.centre) {
        const stats = columnStats(x, n, d);
        mean = stats.mean;
        if (kernel === 'wasm-f32') scale = unitScaleOf(stats.maxDeviation);
      } else if (kernel === 'wasm-f32') scale = unitScale(x, n, d);
      unscale.push(1 / (scale * scale));
      const size = n4 * dPad[i]!;
      const dst =
        kernel === 'wasm-f32'
          ? new Float32Array(ex.memory.buffer, bases[i], size)
          : new Float64Array(ex.memory.buffer, bases[i], size);
      packRows(x, n, d, dPad[i]!, dst, layout.lanes, mean, scale);
    });
    return new WasmGram(ex, kernel, bases, dPad, outs, n4, unscale);
  }

  private gram(i: number, r0: number, r1: number): void {
    const f = this.kernel === 'wasm-f32' ? this.ex.gram32 : this.ex.gram;
    f(this.bases[i]!, this.dPad[i]!, r0, r1, this.outs[i]!, this.n4);
  }

  /**
   * Rows [r0, r1) of representation i's Gram, columns [0, r1), as (r1 − r0)×r1 row-major (the
   * layout of gramDots.ts' gramPanel; entries above the diagonal are not defined). At most
   * SUB_ROWS rows; r0 must be a multiple of 4. For tests and checks: `addPanel` is the fast path.
   */
  gramRows(i: number, r0: number, r1: number): Float64Array {
    this.checkStart(r0);
    if (r1 - r0 > SUB_ROWS) throw new RangeError(`at most ${SUB_ROWS} rows, got ${r1 - r0}`);
    this.gram(i, r0, r1);
    const all = new Float64Array(this.ex.memory.buffer, this.outs[i]!, SUB_ROWS * this.n4);
    const out = new Float64Array((r1 - r0) * r1);
    const u = this.unscale[i]!;
    for (let r = 0; r < r1 - r0; r++) {
      for (let c = 0; c < r1; c++) out[r * r1 + c] = all[r * this.n4 + c]! * u;
    }
    return out;
  }

  private checkStart(r0: number): void {
    if (r0 % 4 !== 0) throw new RangeError(`panel start ${r0} is not a multiple of 4`);
  }

  /**
   * Adds the share of rows [r0, r1) to every S_ij, i ≥ j (S is m×m row-major; the upper
   * triangle is left alone). r0 must be a multiple of 4.
   */
  addPanel(r0: number, r1: number, S: Float64Array): void {
    this.checkStart(r0);
    const m = this.bases.length;
    const { dot } = this.ex;
    for (let s0 = r0; s0 < r1; s0 += SUB_ROWS) {
      const s1 = Math.min(r1, s0 + SUB_ROWS);
      for (let i = 0; i < m; i++) this.gram(i, s0, s1);
      for (let i = 0; i < m; i++) {
        const ui = this.unscale[i]!;
        for (let j = 0; j <= i; j++)
          S[i * m + j]! +=
            dot(this.outs[i]!, this.outs[j]!, s0, s1, this.n4) * ui * this.unscale[j]!;
      }
    }
  }
}
