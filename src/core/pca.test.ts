import { describe, expect, it } from 'vitest';
import { gaussianNoise } from './noise';
import { pca } from './pca';

const round = (a: Float64Array, digits = 10): number[] =>
  Array.from(a, (v) => Math.round(v * 10 ** digits) / 10 ** digits + 0);

describe('pca', () => {
  // u = (0.8, 0.6), w = (−0.6, 0.8); points ±2u, ±w, shifted by (10, −5).
  // Scatter XcᵀXc = 8·uuᵀ + 2·wwᵀ → ratios 0.8 and 0.2, components u and w,
  // projections (2, 0), (−2, 0), (0, 1), (0, −1).
  const pts = [
    [1.6, 1.2],
    [-1.6, -1.2],
    [-0.6, 0.8],
    [0.6, -0.8],
  ];
  const data = Float64Array.from(pts.flatMap(([x, y]) => [x! + 10, y! - 5]));

  it('hand-computed 2-d example', () => {
    const r = pca(data, 4, 2, 2);
    expect(round(r.explainedVarianceRatio)).toEqual([0.8, 0.2]);
    expect(round(r.components)).toEqual([0.8, 0.6, -0.6, 0.8]);
    expect(round(r.projected)).toEqual([2, 0, -2, 0, 0, 1, 0, -1]);
  });

  it('fixes signs: the largest-|value| entry of each component is positive', () => {
    const flipped = Float64Array.from(pts.flatMap(([x, y]) => [-x!, -y!]));
    const r = pca(flipped, 4, 2, 2);
    expect(round(r.components)).toEqual([0.8, 0.6, -0.6, 0.8]);
    expect(round(r.projected)).toEqual([-2, 0, 2, 0, 0, -1, 0, 1]);
  });

  it('recovers a known dominant direction; ratios are decreasing and sum ≤ 1', () => {
    const n = 300;
    const d = 10;
    const e = Float64Array.from(gaussianNoise(1, 'pca/e', 0, d));
    const norm = Math.hypot(...e);
    e.forEach((v, i) => (e[i] = v / norm));
    const a = gaussianNoise(1, 'pca/a', 0, n);
    const noise = gaussianNoise(1, 'pca/noise', 0, n * d);
    const X = Float64Array.from(
      { length: n * d },
      (_, i) => 5 * a[Math.floor(i / d)]! * e[i % d]! + 0.1 * noise[i]!,
    );
    const r = pca(X, n, d);
    let p = 0;
    for (let j = 0; j < d; j++) p += r.components[j]! * e[j]!;
    expect(Math.abs(p)).toBeGreaterThan(0.999);
    const [r0, r1, r2] = r.explainedVarianceRatio;
    // signal variance 25 vs noise 0.01 per axis: share ≈ 25/(25 + 10·0.01) ≈ 0.996
    expect(r0).toBeGreaterThan(0.99);
    expect(r0! >= r1! && r1! >= r2!).toBe(true);
    expect(r0! + r1! + r2!).toBeLessThanOrEqual(1 + 1e-12);
    // components are orthonormal
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += r.components[i * d + c]! * r.components[j * d + c]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });

  it('a rank-1 dataset projects onto one component with all the variance', () => {
    // rows = m + a_i·v with unit v whose largest entry is positive: projection = a_i − mean(a)
    const v = [0.36, -0.48, 0.8];
    const m = [1, 2, 3];
    const a = [3, -1, 0.5, 2, -4.5];
    const X = Float64Array.from(a.flatMap((ai) => v.map((vj, j) => m[j]! + ai * vj)));
    const r = pca(X, 5, 3);
    expect(round(r.components.subarray(0, 3))).toEqual(v);
    expect(round(r.components.subarray(3))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(round(r.explainedVarianceRatio)).toEqual([1, 0, 0]);
    expect(round(r.projected).filter((_, i) => i % 3 === 0)).toEqual([3, -1, 0.5, 2, -4.5]); // mean 0
  });

  it('the Gram route (d > n) gives the covariance route’s answer', () => {
    const n = 12;
    const d = 40;
    const X = Float64Array.from(
      gaussianNoise(2, 'pca/wide', 0, n * d),
      (v, i) => v * (1 + (i % d) / 10),
    );
    const viaGram = pca(X, n, d, 3, 'auto');
    const viaCov = pca(X, n, d, 3, 'covariance');
    for (const key of ['components', 'projected', 'explainedVarianceRatio'] as const) {
      expect(round(viaGram[key], 9)).toEqual(round(viaCov[key], 9));
    }
    expect(round(pca(data, 4, 2, 2, 'gram').components)).toEqual([0.8, 0.6, -0.6, 0.8]);
  });

  it('rejects bad k and too few examples', () => {
    expect(() => pca(data, 4, 2, 3)).toThrow(/k must be an integer in 1\.\.2/);
    expect(() => pca(Float64Array.from([1, 2]), 1, 2, 1)).toThrow(/at least 2 examples/);
  });
});
