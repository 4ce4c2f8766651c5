import { describe, expect, it } from 'vitest';
import { ckaMatrix } from './index';
import { gramMatrix } from '../linalg/matrix';
import { gaussianNoise } from '../noise';
import {
  centerAll,
  ckaFromDots,
  gramDots,
  gramDotSteps,
  gramPanel,
  linearCkaMatrix,
  panelDot,
  panelRows,
} from './gramDots';

const randn = (tag: string, length: number): Float64Array =>
  Float64Array.from(gaussianNoise(5, tag, 0, length));

describe('gram panels', () => {
  it('gramPanel gives the lower triangle of X·Xᵀ for odd and even panel starts', () => {
    const n = 13;
    const d = 3;
    const X = randn('gp', n * d);
    const K = gramMatrix(X, n, d);
    for (const [r0, r1] of [
      [0, 7],
      [0, 3],
      [3, 7],
      [1, 2],
      [6, 7],
      [2, 13],
      [5, 13],
      [0, 13],
    ] as const) {
      const out = new Float64Array((r1 - r0) * r1);
      gramPanel(X, d, r0, r1, out);
      for (let r = r0; r < r1; r++)
        for (let c = 0; c <= r; c++) expect(out[(r - r0) * r1 + c]).toBeCloseTo(K[r * n + c]!, 12);
    }
  });

  it('panelDot over all panels adds up to ⟨K, L⟩ of the full symmetric matrices', () => {
    const n = 9;
    const A = randn('pa', n * 2);
    const B = randn('pb', n * 4);
    const K = gramMatrix(A, n, 2);
    const L = gramMatrix(B, n, 4);
    let want = 0;
    for (let i = 0; i < n * n; i++) want += K[i]! * L[i]!;
    let got = 0;
    for (let r0 = 0; r0 < n; r0 += 4) {
      const r1 = Math.min(n, r0 + 4);
      const pk = new Float64Array((r1 - r0) * r1);
      const pl = new Float64Array((r1 - r0) * r1);
      gramPanel(A, 2, r0, r1, pk);
      gramPanel(B, 4, r0, r1, pl);
      got += panelDot(pk, pl, r0, r1);
    }
    expect(got).toBeCloseTo(want, 9);
  });

  it.each(['js', 'wasm-f64', 'wasm-f32'] as const)(
    'hand-computed: x = (1, −1), y = (2, −2) gives S = [[4, 16], [16, 64]] (%s kernel)',
    (kernel) => {
      // K = [[1, −1], [−1, 1]], L = 4K: ⟨K, K⟩ = 4, ⟨K, L⟩ = 4·⟨K, K⟩ = 16, ⟨L, L⟩ = 64
      const X = [Float64Array.from([1, -1]), Float64Array.from([2, -2])];
      const S = gramDots(X, [1, 1], 2, { kernel });
      expect(Array.from(S)).toEqual([4, 16, 16, 64]);
      expect(Array.from(ckaFromDots(S, 2))).toEqual([1, 1, 1, 1]);
    },
  );

  it('panelRows keeps m panels within the budget', () => {
    expect(panelRows(19, 1000, 8 * 2 ** 20)).toBe(441);
    expect(panelRows(19, 100)).toBe(100);
    expect(panelRows(1000, 1e6, 10)).toBe(2);
  });
});

/** Digits of agreement with the float64 reference: f32 products keep about 7. */
const DIGITS = { js: 12, 'wasm-f64': 12, 'wasm-f32': 6 } as const;

describe('linearCkaMatrix', () => {
  it.each(['js', 'wasm-f64', 'wasm-f32'] as const)(
    'equals the reference ckaMatrix for any panel height, with progress to 1 (%s kernel)',
    (kernel) => {
      const n = 23;
      const reps = [3, 8, 30, 1].map((d, i) => ({ data: randn(`r${i}`, n * d), d }));
      reps.push({ data: reps[1]!.data.map((v) => 3 * v - 2), d: 8 });
      const want = ckaMatrix(reps, n, 'gram');
      for (const panel of [2, 5, 23, undefined]) {
        const seen: number[] = [];
        const got = linearCkaMatrix(reps, n, {
          ...(panel ? { panel } : {}),
          kernel,
          onPanel: (f) => seen.push(f),
        });
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, DIGITS[kernel]);
        expect(seen.at(-1)).toBe(1);
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
      }
      const M = linearCkaMatrix(reps, n, { kernel });
      expect(M[1 * 5 + 4]).toBeCloseTo(1, DIGITS[kernel]);
    },
  );

  it('takes float32 input and rejects bad shapes', () => {
    const n = 10;
    const a = randn('f', n * 3);
    const M = linearCkaMatrix(
      [
        { data: Float32Array.from(a), d: 3 },
        { data: a, d: 3 },
      ],
      n,
    );
    expect(M[1]).toBeCloseTo(1, 6);
    expect(() => centerAll([{ data: new Float64Array(5), d: 2 }], 3)).toThrow(/3×2/);
  });

  it('runs on f32 products by default where WebAssembly SIMD runs (Node has it)', () => {
    const n = 12;
    const X = [randn('d0', n * 5), randn('d1', n * 9)];
    const auto = gramDotSteps(X, [5, 9], n);
    let r = auto.next();
    while (!r.done) r = auto.next();
    expect(r.value.kernel).toBe('wasm-f32');
  });
});
