import { describe, expect, it } from 'vitest';
import { gramMatrix } from '../linalg/matrix';
import { gaussianNoise } from '../noise';
import { addPanelJs, gramDots, gramPanel } from './gramDots';
import { packRows, SUB_ROWS, WasmGram, wasmSimdAvailable } from './wasmGram';

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

describe('the WebAssembly SIMD Gram kernel', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(wasmSimdAvailable()).toBe(true);
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

  it.each([
    [13, 3],
    [9, 1],
    [16, 4],
    [21, 7],
    [3, 5],
    [37, 13],
    [40, 130],
  ])('gives the same Gram panels as the JS gramPanel (n = %i, d = %i)', (n, d) => {
    const X = adversarial(n, d, `g${n}x${d}`);
    const wasm = WasmGram.create([X], [d], n)!;
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
            expectGramClose(got[i]!, want[i]!, norm(r) * norm(c));
          }
        }
      }
    }
  });

  it('adds the same panel shares as the JS path, for any panel split (odd n, odd d)', () => {
    const n = 45;
    const dims = [1, 6, 9, 33];
    const Xc = dims.map((d, i) => adversarial(n, d, `s${i}`));
    const m = dims.length;
    const want = new Float64Array(m * m);
    const bufs = Xc.map(() => new Float64Array(n * n));
    addPanelJs(Xc, dims, 0, n, bufs, want);
    const wasm = WasmGram.create(Xc, dims, n)!;
    for (const step of [4, 8, 20, 44, 48]) {
      const got = new Float64Array(m * m);
      for (let r0 = 0; r0 < n; r0 += step) wasm.addPanel(r0, Math.min(n, r0 + step), got);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j <= i; j++) {
          const scale = Math.sqrt(want[i * m + i]! * want[j * m + j]!);
          expectGramClose(got[i * m + j]!, want[i * m + j]!, scale, 1e-12);
        }
        for (let j = i + 1; j < m; j++) expect(got[i * m + j]).toBe(0);
      }
    }
  });

  it('needs panels that start on a multiple of 4', () => {
    const wasm = WasmGram.create([randn('p', 20)], [2], 10)!;
    expect(() => wasm.addPanel(2, 6, new Float64Array(1))).toThrow(/multiple of 4/);
    expect(() => wasm.gramRows(0, 0, SUB_ROWS + 4)).toThrow(/at most/);
  });

  it('gramDots on either kernel gives the same S (n smaller than a panel, and n = 2)', () => {
    for (const [n, dims] of [
      [3, [2, 5]],
      [2, [1, 3]],
      [70, [7, 12, 3]],
    ] as const) {
      const Xc = dims.map((d, i) => randn(`k${n}-${i}`, n * d));
      const js = gramDots(Xc, dims, n, { kernel: 'js' });
      const wasm = gramDots(Xc, dims, n, { kernel: 'wasm', panel: 7 });
      for (let i = 0; i < js.length; i++)
        expect(Math.abs(wasm[i]! - js[i]!)).toBeLessThanOrEqual(1e-12 * Math.abs(js[i]!) + 1e-300);
    }
  });
});
