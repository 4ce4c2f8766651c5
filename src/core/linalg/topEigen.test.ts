import { describe, expect, it } from 'vitest';
import { gaussianNoise } from '../noise';
import { topEigen } from './topEigen';

/** Q·diag(λ)·Qᵀ for a random orthogonal Q (Gram–Schmidt); returns the matrix and Q's columns. */
function withSpectrum(lambda: number[]): { A: Float64Array; Q: Float64Array[] } {
  const m = lambda.length;
  const Q: Float64Array[] = [];
  for (let c = 0; c < m; c++) {
    const v = Float64Array.from(gaussianNoise(5, 'spectrum', c, m));
    for (const u of Q) {
      let p = 0;
      for (let r = 0; r < m; r++) p += u[r]! * v[r]!;
      for (let r = 0; r < m; r++) v[r]! -= p * u[r]!;
    }
    const norm = Math.hypot(...v);
    Q.push(v.map((x) => x / norm));
  }
  const A = new Float64Array(m * m);
  for (let c = 0; c < m; c++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) A[i * m + j]! += lambda[c]! * Q[c]![i]! * Q[c]![j]!;
  return { A, Q };
}

describe('topEigen', () => {
  it('finds the known top eigenpairs of a 200×200 matrix by subspace iteration', () => {
    const m = 200;
    const lambda = Array.from({ length: m }, (_, i) => [50, 20, 10, 5][i] ?? 2 * 0.9 ** i);
    const { A, Q } = withSpectrum(lambda);
    const { values, vectors, converged } = topEigen(A, m, 3);
    expect(converged).toBe(true);
    for (let i = 0; i < 3; i++) {
      expect(values[i]).toBeCloseTo(lambda[i]!, 9);
      let p = 0;
      for (let r = 0; r < m; r++) p += vectors[i * m + r]! * Q[i]![r]!;
      expect(Math.abs(p)).toBeCloseTo(1, 9); // the same direction up to sign
    }
  });

  it('works on a rank-deficient large matrix (top-2 of a rank-1 matrix)', () => {
    const m = 150;
    const { A } = withSpectrum(Array.from({ length: m }, (_, i) => (i === 0 ? 7 : 0)));
    const { values } = topEigen(A, m, 2);
    expect(values[0]).toBeCloseTo(7, 10);
    expect(Math.abs(values[1]!)).toBeLessThan(1e-9);
  });

  it('uses Jacobi for small matrices and checks k', () => {
    const { values } = topEigen(Float64Array.from([2, 1, 1, 2]), 2, 1);
    expect(Array.from(values).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([3]);
    expect(() => topEigen(new Float64Array(4), 2, 3)).toThrow(/k must be in 1\.\.2/);
  });
});
