import { describe, expect, it } from 'vitest';
import { centerColumns, checkMatrix, columnMeans, crossProduct, dot, gramMatrix } from './matrix';

// X = [[1, 2], [3, 4], [5, 9]] (3×2)
const X = Float32Array.from([1, 2, 3, 4, 5, 9]);

describe('matrix helpers', () => {
  it('column means and centring (hand-computed)', () => {
    expect(Array.from(columnMeans(X, 2, 0, 3))).toEqual([3, 5]);
    expect(Array.from(centerColumns(X, 3, 2))).toEqual([-2, -3, 0, -1, 2, 4]);
    // rows 1..2 only: means (4, 6.5)
    expect(Array.from(centerColumns(X, 3, 2, 1, 3))).toEqual([-1, -2.5, 1, 2.5]);
  });

  it('Gram X·Xᵀ and cross product Xᵀ·Y (hand-computed)', () => {
    expect(Array.from(gramMatrix(X, 3, 2))).toEqual([5, 11, 23, 11, 25, 51, 23, 51, 106]);
    // XᵀX = [[1+9+25, 2+12+45], [·, 4+16+81]] = [[35, 59], [59, 101]]
    expect(Array.from(crossProduct(X, X, 3, 2, 2))).toEqual([35, 59, 59, 101]);
    // Xᵀ·(1, 0, −1)ᵀ = (1 − 5, 2 − 9)
    expect(Array.from(crossProduct(X, Float64Array.from([1, 0, -1]), 3, 2, 1))).toEqual([-4, -7]);
    expect(dot(Float64Array.from([1, 2, 3]), Float64Array.from([4, -5, 6]))).toBe(12);
  });

  it('checks shapes', () => {
    expect(() => checkMatrix(X, 2, 2, 'X')).toThrow('X: 6 values do not form a 2×2 matrix');
    expect(() => checkMatrix(X, 0, 6)).toThrow(/integers ≥ 1/);
  });
});
