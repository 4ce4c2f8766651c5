import { describe, expect, it } from 'vitest';
import { centerColumns, columnMeans, gramMatrix } from '../linalg/matrix';
import { gaussianNoise } from '../noise';
import { addPanelJs, gramDots, gramPanel } from './gramDots';
import {
  columnStats,
  packRows,
  SUB_ROWS,
  unitScale,
  WasmGram,
  wasmSimdAvailable,
  type WasmKernel,
} from './wasmGram';

const randn = (tag: string, length: number): Float64Array =>
  Float64Array.from(gaussianNoise(11, tag, 0, length));

/** Random rows, plus adversarial ones: huge and tiny scales, a zero row, a repeated row. */
function adversarial(n: number, d: number, tag: string): Float64Array {
  const X = randn(tag, n * d);
  for (let k = 0; k < d; k++) {
    X[k] = X[k]! * 1e8;
    if (n > 1) X[d + k] = X[d + k]! * 1e-8;
    if (n > 2) X[2 * d + k] = 0;
    if (n > 4) X[4 * d + k] = X[3 * d + k]!;
  }
  return X;
}

/** |a − b| within `rel` of the size of the terms summed (Σ|x_k·y_k| ≤ ‖x‖·‖y‖). */
function expectGramClose(got: number, want: number, scale: number, rel = 1e-13): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * scale);
}

/**
 * Error allowed relative to ‖x_r‖·‖x_c‖: float64 products, or float32 products and partial sums
 * of at most 16 products per lane (each rounding ≤ 2⁻²⁴ of the terms summed).
 */
const REL: Record<WasmKernel, number> = { 'wasm-f64': 1e-13, 'wasm-f32': 2e-6 };
const KERNELS = ['wasm-f64', 'wasm-f32'] as const;

describe('the WebAssembly SIMD Gram kernels', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('packs float32 rows in groups of 4, interleaved by column quads, centred and scaled', () => {
    // n = 2, d = 5, mean 1 per column, scale 0.5 → 4 rows × 8 columns
    const X = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    const dst = new Float32Array(4 * 8);
    packRows(X, 2, 5, 8, dst, 4, new Float64Array(5).fill(1), 0.5);
    // quad 0: row 0 columns 0..3, row 1 columns 0..3, two zero rows
    expect(Array.from(dst.subarray(0, 16))).toEqual([
      0, 0.5, 1, 1.5, 2.5, 3, 3.5, 4, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    // quad 1: column 4 and three zero pad columns per row
    expect(Array.from(dst.subarray(16, 32))).toEqual([
      2, 0, 0, 0, 4.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('columnStats gives the column means and the largest deviation from them', () => {
    // columns (1, 3, 8) and (−2, 2, 0): means 4 and 0, deviations up to 4 and 2
    const X = Float64Array.from([1, -2, 3, 2, 8, 0]);
    const { mean, maxDeviation } = columnStats(X, 3, 2);
    expect(Array.from(mean)).toEqual(Array.from(columnMeans(X, 2, 0, 3)));
    expect(Array.from(mean)).toEqual([4, 0]);
    expect(maxDeviation).toBe(4);
  });

  it('scales by the power of two at or above the largest centred value', () => {
    expect(unitScale(Float64Array.from([3, -5, 1]), 3, 1)).toBe(1 / 8);
    expect(unitScale(Float64Array.from([1e30, 0]), 2, 1, [0.5e30])).toBe(2 ** -99);
    expect(unitScale(Float64Array.from([4, 4]), 2, 1, [4])).toBe(1);
    expect(unitScale(Float64Array.from([1e-30]), 1, 1)).toBe(2 ** 99);
  });

  it('packs rows in groups of 4, interleaved by column pairs, zero padded', () => {
    // n = 5, d = 3 → 8 rows × 4 columns
    const X = Float64Array.from({ length: 15 }, (_, i) => i + 1);
    const dst = new Float64Array(8 * 4);
    packRows(X, 5, 3, 4, dst);
    // group 0, pair 0: rows 0..3, columns 0, 1
    expect(Array.from(dst.subarray(0, 8))).toEqual([1, 2, 4, 5, 7, 8, 10, 11]);
    // group 0, pair 1: column 2 and the zero pad
    expect(Array.from(dst.subarray(8, 16))).toEqual([3, 0, 6, 0, 9, 0, 12, 0]);
    // group 1: row 4, then three zero rows
    expect(Array.from(dst.subarray(16, 32))).toEqual([
      13, 14, 0, 0, 0, 0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it.each(
    KERNELS.flatMap((kernel) =>
      [
        [13, 3],
        [9, 1],
        [16, 4],
        [21, 7],
        [3, 5],
        [37, 13],
        [40, 130],
      ].map(([n, d]) => [kernel, n!, d!] as const),
    ),
  )('%s gives the same Gram panels as the JS gramPanel (n = %i, d = %i)', (kernel, n, d) => {
    const X = adversarial(n, d, `g${n}x${d}`);
    const wasm = WasmGram.create([X], [d], n, { kernel })!;
    expect(wasm.kernel).toBe(kernel);
    const K = gramMatrix(X, n, d);
    const norm = (r: number) => Math.sqrt(K[r * n + r]!);
    for (let r0 = 0; r0 < n; r0 += 4) {
      for (const r1 of [Math.min(n, r0 + 1), Math.min(n, r0 + 6), Math.min(n, r0 + SUB_ROWS)]) {
        const got = wasm.gramRows(0, r0, r1);
        const want = new Float64Array((r1 - r0) * r1);
        gramPanel(X, d, r0, r1, want);
        for (let r = r0; r < r1; r++) {
          for (let c = 0; c <= r; c++) {
            const i = (r - r0) * r1 + c;
            expectGramClose(got[i]!, want[i]!, norm(r) * norm(c), REL[kernel]);
          }
        }
      }
    }
  });

  it.each(KERNELS)(
    '%s adds the same panel shares as the JS path, for any panel split',
    (kernel) => {
      // odd n, odd d
      const n = 45;
      const dims = [1, 6, 9, 33];
      const Xc = dims.map((d, i) => adversarial(n, d, `s${i}`));
      const m = dims.length;
      const want = new Float64Array(m * m);
      const bufs = Xc.map(() => new Float64Array(n * n));
      addPanelJs(Xc, dims, 0, n, bufs, want);
      const wasm = WasmGram.create(Xc, dims, n, { kernel })!;
      for (const step of [4, 8, 20, 44, 48]) {
        const got = new Float64Array(m * m);
        for (let r0 = 0; r0 < n; r0 += step) wasm.addPanel(r0, Math.min(n, r0 + step), got);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j <= i; j++) {
            const scale = Math.sqrt(want[i * m + i]! * want[j * m + j]!);
            expectGramClose(got[i * m + j]!, want[i * m + j]!, scale, 10 * REL[kernel]);
          }
          for (let j = i + 1; j < m; j++) expect(got[i * m + j]).toBe(0);
        }
      }
    },
  );

  it('needs panels that start on a multiple of 4', () => {
    const wasm = WasmGram.create([randn('p', 20)], [2], 10)!;
    expect(() => wasm.addPanel(2, 6, new Float64Array(1))).toThrow(/multiple of 4/);
    expect(() => wasm.gramRows(0, 0, SUB_ROWS + 4)).toThrow(/at most/);
  });

  it.each(KERNELS)('%s centres while it packs: raw data give the centred S', (kernel) => {
    const n = 30;
    const dims = [5, 17];
    // a large offset per column: centring in float64 before float32 keeps the small spread
    const raw = dims.map((d, i) => randn(`c${i}`, n * d).map((v, k) => v + 1e4 * ((k % d) + 1)));
    const Xc = raw.map((x, i) => centerColumns(x, n, dims[i]!));
    const want = gramDots(Xc, dims, n, { kernel: 'js' });
    const got = new Float64Array(4);
    WasmGram.create(raw, dims, n, { kernel, centre: true })!.addPanel(0, n, got);
    for (const k of [0, 2, 3]) {
      expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(10 * REL[kernel] * want[k]!);
    }
  });

  it('wasm-f32 keeps activations of any magnitude (1e±30) that float32 could not hold', () => {
    const n = 20;
    const X = randn('mag', n * 6);
    const want = gramDots([X], [6], n, { kernel: 'js' })[0]!;
    for (const s of [1e30, 1e-30]) {
      const got = new Float64Array(1);
      WasmGram.create([X.map((v) => v * s)], [6], n, { kernel: 'wasm-f32' })!.addPanel(0, n, got);
      expect(Math.abs(got[0]! / (s * s * s * s) - want) / want).toBeLessThan(1e-6);
    }
  });

  it('gramDots on every kernel gives the same S (n smaller than a panel, and n = 2)', () => {
    for (const [n, dims] of [
      [3, [2, 5]],
      [2, [1, 3]],
      [70, [7, 12, 3]],
    ] as const) {
      const Xc = dims.map((d, i) => randn(`k${n}-${i}`, n * d));
      const js = gramDots(Xc, dims, n, { kernel: 'js' });
      for (const kernel of KERNELS) {
        const wasm = gramDots(Xc, dims, n, { kernel, panel: 7 });
        for (let i = 0; i < js.length; i++) {
          const tol =
            10 *
            REL[kernel] *
            Math.sqrt(
              js[(i % dims.length) * (dims.length + 1)]! *
                js[Math.floor(i / dims.length) * (dims.length + 1)]!,
            );
          expect(Math.abs(wasm[i]! - js[i]!)).toBeLessThanOrEqual(tol + 1e-300);
        }
      }
    }
  });
});
