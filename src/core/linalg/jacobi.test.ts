import { describe, expect, it } from 'vitest';
import { jacobiEigen } from './jacobi';

/** max_i ‖A v_i − λ_i v_i‖ and max |v_iᵀv_j − δ_ij|. */
function check(A: Float64Array, m: number, values: Float64Array, vectors: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += A[r * m + c]! * vectors[i * m + c]!;
      worst = Math.max(worst, Math.abs(s - values[i]! * vectors[i * m + r]!));
    }
    for (let j = 0; j < m; j++) {
      let p = 0;
      for (let r = 0; r < m; r++) p += vectors[i * m + r]! * vectors[j * m + r]!;
      worst = Math.max(worst, Math.abs(p - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('jacobiEigen', () => {
  it('tridiag(1, 2, 1) of size 3 has eigenvalues 2 + √2, 2, 2 − √2 (closed form)', () => {
    const A = Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2]);
    const { values, vectors } = jacobiEigen(A, 3);
    expect(values[0]).toBeCloseTo(2 + Math.SQRT2, 14);
    expect(values[1]).toBeCloseTo(2, 14);
    expect(values[2]).toBeCloseTo(2 - Math.SQRT2, 14);
    // top eigenvector ∝ (1, √2, 1)/2
    const v = Array.from(vectors.subarray(0, 3)).map((x) => Math.abs(x));
    expect(v[0]).toBeCloseTo(0.5, 14);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(check(A, 3, values, vectors)).toBeLessThan(1e-14);
  });

  it('tridiag(−1, 2, −1) of size 20: λ_j = 2 − 2cos(jπ/21) (closed form)', () => {
    const m = 20;
    const A = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      A[i * m + i] = 2;
      if (i + 1 < m) A[i * m + i + 1] = A[(i + 1) * m + i] = -1;
    }
    const { values, vectors } = jacobiEigen(A, m);
    for (let j = 1; j <= m; j++) {
      expect(values[m - j]).toBeCloseTo(2 - 2 * Math.cos((j * Math.PI) / (m + 1)), 13);
    }
    expect(check(A, m, values, vectors)).toBeLessThan(1e-13);
  });

  it('handles diagonal, zero and repeated-eigenvalue matrices', () => {
    expect(Array.from(jacobiEigen(Float64Array.from([1, 0, 0, 3]), 2).values)).toEqual([3, 1]);
    expect(Array.from(jacobiEigen(new Float64Array(4), 2).values)).toEqual([0, 0]);
    const ones = new Float64Array(16).fill(1); // eigenvalues 4, 0, 0, 0
    const e = jacobiEigen(ones, 4);
    expect(e.values[0]).toBeCloseTo(4, 14);
    for (let i = 1; i < 4; i++) expect(Math.abs(e.values[i]!)).toBeLessThan(1e-14);
    expect(check(ones, 4, e.values, e.vectors)).toBeLessThan(1e-14);
    expect(() => jacobiEigen(new Float64Array(3), 2)).toThrow(RangeError);
  });
});
