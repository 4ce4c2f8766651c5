import { describe, expect, it } from 'vitest';
import {
  type CkaFeatures,
  type CkaMethod,
  centerGram,
  ckaMatrix,
  hsic,
  linearCka,
  linearCkaFeature,
  linearCkaGram,
  minibatchCka,
  minibatchRanges,
  unbiasedHsic,
} from './index';
import { gramMatrix } from '../linalg/matrix';
import { gaussianNoise } from '../noise';

const randn = (tag: string, length: number): Float64Array =>
  Float64Array.from(gaussianNoise(11, tag, 0, length));

/** X (n×d) times A (d×k). */
function matmul(X: Float64Array, A: Float64Array, n: number, d: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += X[r * d + j]! * A[j * k + c]!;
      out[r * k + c] = s;
    }
  return out;
}

/** A random d×d orthogonal matrix: Gram–Schmidt on the columns of a Gaussian matrix. */
function randomOrthogonal(d: number): Float64Array {
  const A = randn('Q', d * d);
  const Q = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const v = Array.from({ length: d }, (_, r) => A[r * d + c]!);
    for (let p = 0; p < c; p++) {
      let proj = 0;
      for (let r = 0; r < d; r++) proj += v[r]! * Q[r * d + p]!;
      for (let r = 0; r < d; r++) v[r]! -= proj * Q[r * d + p]!;
    }
    const norm = Math.hypot(...v);
    for (let r = 0; r < d; r++) Q[r * d + c] = v[r]! / norm;
  }
  return Q;
}

describe('linear CKA', () => {
  // X: the four points (±1, 0), (0, ±1): centred, XᵀX = 2I, ‖XᵀX‖_F = 2√2.
  const X = Float64Array.from([1, 0, 0, 1, -1, 0, 0, -1]);

  it('hand-computed: one column of X gives 1/√2', () => {
    // Y = first column = (1, 0, −1, 0)ᵀ: YᵀX = (2, 0), ‖·‖² = 4; YᵀY = 2. CKA = 4/(2√2·2) = 1/√2
    const Y = Float64Array.from([1, 0, -1, 0]);
    expect(linearCkaFeature(X, Y, 4, 2, 1)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(linearCkaGram(X, Y, 4, 2, 1)).toBeCloseTo(Math.SQRT1_2, 14);
  });

  it('hand-computed: X scaled per column by (2, 1) and shifted by (5, 5) gives 5/√34', () => {
    // Yc = X·diag(2, 1): XᵀYc = diag(4, 2), ‖·‖² = 20; YcᵀYc = diag(8, 2), ‖·‖ = √68.
    // CKA = 20/(2√2·√68) = 5/√34 ≈ 0.857493
    const Y = Float64Array.from([7, 5, 5, 6, 3, 5, 5, 4]);
    expect(linearCkaFeature(X, Y, 4, 2, 2)).toBeCloseTo(5 / Math.sqrt(34), 14);
    expect(linearCkaGram(X, Y, 4, 2, 2)).toBeCloseTo(5 / Math.sqrt(34), 14);
    expect(linearCka(Float32Array.from(X), Float32Array.from(Y), 4, 2, 2)).toBeCloseTo(
      0.857492925712544,
      14,
    );
  });

  it('feature form equals Gram form (to 1e-10) for d < n and d > n', () => {
    for (const [n, d1, d2] of [
      [30, 5, 8],
      [12, 40, 7],
    ] as const) {
      const A = randn(`A${n}`, n * d1);
      const B = randn(`B${n}`, n * d2);
      const Y = matmul(A, randn('M', d1 * d2), n, d1, d2);
      for (let i = 0; i < Y.length; i++) Y[i]! += B[i]!;
      const f = linearCkaFeature(A, Y, n, d1, d2);
      expect(Math.abs(f - linearCkaGram(A, Y, n, d1, d2))).toBeLessThan(1e-10);
      expect(linearCka(A, Y, n, d1, d2)).toBeCloseTo(f, 10);
      expect(f).toBeGreaterThan(0.2); // Y depends on X
    }
  });

  it('is 1 for an orthogonal transform and for an isotropic scale plus shift', () => {
    const n = 40;
    const d = 6;
    const A = randn('orth', n * d);
    const AQ = matmul(A, randomOrthogonal(d), n, d, d);
    expect(linearCkaFeature(A, AQ, n, d, d)).toBeCloseTo(1, 12);
    expect(linearCkaGram(A, AQ, n, d, d)).toBeCloseTo(1, 12);
    const shifted = A.map((v, i) => -3.5 * v + 100 + (i % d));
    expect(linearCka(A, shifted, n, d, d)).toBeCloseTo(1, 12);
  });

  it('is symmetric and lies in [0, 1]', () => {
    const n = 25;
    for (const [d1, d2] of [
      [3, 4],
      [30, 2],
    ] as const) {
      const A = randn(`s${d1}`, n * d1);
      const B = randn(`t${d2}`, n * d2).map((v, i) => v + A[i % (n * d1)]!);
      const ab = linearCka(A, B, n, d1, d2);
      expect(linearCka(B, A, n, d2, d1)).toBeCloseTo(ab, 14);
      expect(ab).toBeGreaterThanOrEqual(0);
      expect(ab).toBeLessThanOrEqual(1);
    }
  });

  it('is small for independent random matrices', () => {
    // E ≈ √(d1·d2)/n = 5/400 ≈ 0.0125 for independent Gaussian columns
    const n = 400;
    const v = linearCka(randn('i1', n * 5), randn('i2', n * 5), n, 5, 5);
    expect(v).toBeLessThan(0.05);
  });

  it('is NaN for a constant representation and rejects bad shapes', () => {
    expect(
      linearCka(Float64Array.from([1, 1, 1]), Float64Array.from([1, 2, 3]), 3, 1, 1),
    ).toBeNaN();
    expect(() => linearCka(new Float64Array(5), new Float64Array(6), 3, 2, 2)).toThrow(/3×2/);
    expect(() => linearCka(new Float64Array(2), new Float64Array(2), 1, 2, 2)).toThrow(
      /2 examples/,
    );
  });
});

describe('HSIC', () => {
  it('hsic(K, L) = tr(KHLH)/(n − 1)² on raw Grams matches centred features', () => {
    // 3 points on a line x = (0, 1, 5): centred x = (−2, −1, 3); Kc = xc·xcᵀ;
    // tr(KcKc) = (Σ xc²)² = 14² = 196; HSIC(K, K) = 196/(3 − 1)² = 49
    const K = gramMatrix(Float64Array.from([0, 1, 5]), 3, 1);
    expect(hsic(K, K, 3)).toBeCloseTo(49, 12);
    expect(Array.from(centerGram(K, 3)).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([
      4, 2, -6, 2, 1, -3, -6, -3, 9,
    ]);
  });

  it('HSIC₁ equals the U-statistic written out as sums over distinct indices', () => {
    // HSIC₁ = Σ_{i≠j} k_ij l_ij/(n)₂ + Σ_{i,j,q,r distinct} k_ij l_qr/(n)₄ − 2 Σ_{i,j,q distinct} k_ij l_iq/(n)₃
    for (const n of [4, 5, 7]) {
      const K = gramMatrix(randn(`K${n}`, n * 3), n, 3);
      const L = gramMatrix(randn(`L${n}`, n * 2), n, 2);
      const k = (i: number, j: number): number => K[i * n + j]!;
      const l = (i: number, j: number): number => L[i * n + j]!;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          s2 += k(i, j) * l(i, j);
          for (let q = 0; q < n; q++) {
            if (q === i || q === j) continue;
            s3 += k(i, j) * l(i, q);
            for (let r = 0; r < n; r++) if (r !== i && r !== j && r !== q) s4 += k(i, j) * l(q, r);
          }
        }
      const u =
        s2 / (n * (n - 1)) +
        s4 / (n * (n - 1) * (n - 2) * (n - 3)) -
        (2 * s3) / (n * (n - 1) * (n - 2));
      expect(unbiasedHsic(K, L, n)).toBeCloseTo(u, 10);
    }
  });

  it('HSIC₁ is unchanged by shifting the features (why batches may be centred first)', () => {
    const n = 6;
    const A = randn('shift', n * 2);
    const B = randn('shift2', n * 3);
    const shifted = A.map((v, i) => v + (i % 2 === 0 ? 10 : -4));
    const L = gramMatrix(B, n, 3);
    expect(unbiasedHsic(gramMatrix(shifted, n, 2), L, n)).toBeCloseTo(
      unbiasedHsic(gramMatrix(A, n, 2), L, n),
      10,
    );
    expect(() => unbiasedHsic(new Float64Array(9), new Float64Array(9), 3)).toThrow(/n ≥ 4/);
  });
});

describe('minibatchCka', () => {
  it('splits rows into consecutive batches and drops a last batch of fewer than 4 rows', () => {
    expect(minibatchRanges(10, 4)).toEqual([
      [0, 4],
      [4, 8],
    ]);
    expect(minibatchRanges(9, 5)).toEqual([
      [0, 5],
      [5, 9],
    ]);
    expect(minibatchRanges(12, 4)).toHaveLength(3);
    expect(() => minibatchRanges(3, 4)).toThrow(/at least 4 examples/);
    expect(() => minibatchRanges(10, 3)).toThrow(/batchSize must be an integer ≥ 4/);
  });

  it('averages HSIC₁ over batches before forming the ratio', () => {
    const n = 9; // batches [0,5) and [5,9)
    const A = randn('mA', n * 2);
    const B = randn('mB', n * 3).map((v, i) => v + A[i % (n * 2)]!);
    const h = (
      X: Float64Array,
      d: number,
      Y: Float64Array,
      e: number,
      from: number,
      to: number,
    ): number =>
      unbiasedHsic(
        gramMatrix(X.subarray(from * d, to * d), to - from, d),
        gramMatrix(Y.subarray(from * e, to * e), to - from, e),
        to - from,
      );
    const mean = (f: (from: number, to: number) => number): number => (f(0, 5) + f(5, 9)) / 2;
    const kl = mean((a, b) => h(A, 2, B, 3, a, b));
    const kk = mean((a, b) => h(A, 2, A, 2, a, b));
    const ll = mean((a, b) => h(B, 3, B, 3, a, b));
    expect(minibatchCka(A, B, n, 2, 3, 5)).toBeCloseTo(kl / Math.sqrt(kk * ll), 12);
    // 8 rows with batches of 5: the 3-row tail is dropped, so only rows 0..4 count
    const first = h(A, 2, B, 3, 0, 5) / Math.sqrt(h(A, 2, A, 2, 0, 5) * h(B, 3, B, 3, 0, 5));
    expect(minibatchCka(A.subarray(0, 16), B.subarray(0, 24), 8, 2, 3, 5)).toBeCloseTo(first, 12);
  });

  it('is 1 for X against XQ and against aX + b', () => {
    const n = 64;
    const d = 5;
    const A = randn('mbq', n * d);
    expect(minibatchCka(A, matmul(A, randomOrthogonal(d), n, d, d), n, d, d, 16)).toBeCloseTo(
      1,
      10,
    );
    expect(
      minibatchCka(
        A,
        A.map((v, i) => 2 * v - (i % d)),
        n,
        d,
        d,
        16,
      ),
    ).toBeCloseTo(1, 10);
  });

  it('approaches linear CKA for large batches of the same data', () => {
    // Both estimate the same population CKA; the full-data (biased) estimator differs from the
    // unbiased per-batch one by O(d/batch) ≈ 8/500 here (measured: 0.5347 vs 0.5331).
    const n = 2000;
    const d = 8;
    const A = randn('big', n * d);
    const E = randn('bigN', n * d);
    const B = matmul(A, randn('bigM', d * d), n, d, d).map((v, i) => v + 2 * E[i]!);
    const full = linearCka(A, B, n, d, d);
    const mb = minibatchCka(A, B, n, d, d, 500);
    expect(Math.abs(mb - full)).toBeLessThan(0.01);
    // independent data: linear CKA has a positive bias ≈ √(d1·d2)/n = 0.004, the unbiased one
    // is centred on 0 with sd ≈ √(d1·d2)/batch/√batches ≈ 0.008
    const C = randn('indep', n * d);
    expect(linearCka(A, C, n, d, d)).toBeLessThan(0.01);
    expect(Math.abs(minibatchCka(A, C, n, d, d, 500))).toBeLessThan(0.01);
  });
});

describe('ckaMatrix', () => {
  const n = 20;
  const feats: CkaFeatures[] = [
    { data: randn('f0', n * 3), d: 3 },
    { data: Float32Array.from(randn('f1', n * 5)), d: 5 },
    { data: randn('f2', n * 30), d: 30 },
  ];
  feats.push({ data: feats[0]!.data.map((v) => 4 * v + 1), d: 3 });

  it('matches the pairwise functions for every method and is symmetric with unit diagonal', () => {
    const m = feats.length;
    type Pair = (
      X: CkaFeatures['data'],
      Y: CkaFeatures['data'],
      n: number,
      d1: number,
      d2: number,
    ) => number;
    const byMethod: [CkaMethod, Pair][] = [
      ['feature', linearCkaFeature],
      ['gram', linearCkaGram],
      [{ kind: 'minibatch', batchSize: 8 }, (X, Y, nn, a, b) => minibatchCka(X, Y, nn, a, b, 8)],
    ];
    for (const [method, pair] of byMethod) {
      const M = ckaMatrix(feats, n, method);
      for (let i = 0; i < m; i++) {
        expect(M[i * m + i]).toBeCloseTo(1, 12);
        for (let j = 0; j < m; j++) {
          const [fi, fj] = [feats[i]!, feats[j]!];
          expect(M[i * m + j]).toBeCloseTo(pair(fi.data, fj.data, n, fi.d, fj.d), 10);
          expect(M[i * m + j]).toBe(M[j * m + i]);
        }
      }
      expect(M[0 * m + 3]).toBeCloseTo(1, 10); // aX + b
    }
    // 'auto' picks the Gram form here (one block has d = 30 ≥ n)
    expect(ckaMatrix(feats, n, 'auto')).toEqual(ckaMatrix(feats, n, 'gram'));
    expect(ckaMatrix([], n, 'auto').length).toBe(0);
  });
});
