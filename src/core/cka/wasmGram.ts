/**
 * The Gram products of gramDots.ts on the WebAssembly SIMD kernel (wasm/gram.wat, f64x2:
 * float64 products and sums). The centred representations are copied once into the module's
 * memory, padded and packed in groups of 4 rows; each panel is then built and dotted in
 * sub-panels of SUB_ROWS rows, so the m panels being dotted stay in the CPU's caches.
 */
import { GRAM_WASM_BASE64 } from './wasm/gramWasm';

interface GramExports {
  memory: WebAssembly.Memory;
  gram(base: number, d4: number, r0: number, r1: number, out: number, w: number): void;
  dot(a: number, b: number, r0: number, r1: number, w: number): number;
}

/** Rows per sub-panel (a multiple of 4). */
export const SUB_ROWS = 16;

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

/** X (n×d, row-major) into `dst` padded to ⌈n/4⌉·4 × d4 (⌈d/4⌉·4) and packed as gram.wat expects. */
export function packRows(
  X: ArrayLike<number>,
  n: number,
  d: number,
  d4: number,
  dst: Float64Array,
) {
  for (let r = 0; r < n; r++) {
    const g = (r >> 2) * 4 * d4 + (r & 3) * 2;
    const src = r * d;
    for (let k = 0; k < d; k++) dst[g + (k >> 1) * 8 + (k & 1)] = X[src + k]!;
  }
}

export class WasmGram {
  private constructor(
    private readonly ex: GramExports,
    private readonly bases: readonly number[],
    private readonly d4: readonly number[],
    private readonly outs: readonly number[],
    private readonly n4: number,
  ) {}

  /** The kernel loaded with every representation, or null where WASM SIMD or the memory is missing. */
  static create(
    Xc: readonly ArrayLike<number>[],
    dims: readonly number[],
    n: number,
  ): WasmGram | null {
    const mod = gramWasmModule();
    if (!mod) return null;
    const ex = new WebAssembly.Instance(mod).exports as unknown as GramExports;
    const n4 = up(n, 4);
    const d4 = dims.map((d) => up(d, 4));
    const bases: number[] = [];
    let at = 0;
    for (const d of d4) {
      bases.push(at);
      at += n4 * d * 8;
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
    Xc.forEach((x, i) =>
      packRows(x, n, dims[i]!, d4[i]!, new Float64Array(ex.memory.buffer, bases[i], n4 * d4[i]!)),
    );
    return new WasmGram(ex, bases, d4, outs, n4);
  }

  /**
   * Rows [r0, r1) of representation i's Gram, columns [0, r1), as (r1 − r0)×r1 row-major (the
   * layout of gramDots.ts' gramPanel; entries above the diagonal are not defined). At most
   * SUB_ROWS rows; r0 must be a multiple of 4. For tests and checks: `addPanel` is the fast path.
   */
  gramRows(i: number, r0: number, r1: number): Float64Array {
    this.checkStart(r0);
    if (r1 - r0 > SUB_ROWS) throw new RangeError(`at most ${SUB_ROWS} rows, got ${r1 - r0}`);
    this.ex.gram(this.bases[i]!, this.d4[i]!, r0, r1, this.outs[i]!, this.n4);
    const all = new Float64Array(this.ex.memory.buffer, this.outs[i]!, SUB_ROWS * this.n4);
    const out = new Float64Array((r1 - r0) * r1);
    for (let r = 0; r < r1 - r0; r++) out.set(all.subarray(r * this.n4, r * this.n4 + r1), r * r1);
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
    const { gram, dot } = this.ex;
    for (let s0 = r0; s0 < r1; s0 += SUB_ROWS) {
      const s1 = Math.min(r1, s0 + SUB_ROWS);
      for (let i = 0; i < m; i++) gram(this.bases[i]!, this.d4[i]!, s0, s1, this.outs[i]!, this.n4);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j <= i; j++)
          S[i * m + j]! += dot(this.outs[i]!, this.outs[j]!, s0, s1, this.n4);
      }
    }
  }
}
