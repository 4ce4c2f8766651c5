/** Small dense float64 helpers for row-major matrices (n rows, d columns). */

export type Matrix = Float32Array | Float64Array;

/** Throws a RangeError unless X holds an n×d matrix with n, d ≥ 1. */
export function checkMatrix(X: Matrix, n: number, d: number, name = 'X'): void {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1) {
    throw new RangeError(`${name}: n and d must be integers ≥ 1, got n = ${n}, d = ${d}`);
  }
  if (X.length !== n * d) {
    throw new RangeError(`${name}: ${X.length} values do not form a ${n}×${d} matrix`);
  }
}

/** Column means of rows [from, to). */
export function columnMeans(X: Matrix, d: number, from: number, to: number): Float64Array {
  const mean = new Float64Array(d);
  for (let r = from; r < to; r++) {
    const o = r * d;
    for (let c = 0; c < d; c++) mean[c]! += X[o + c]!;
  }
  for (let c = 0; c < d; c++) mean[c]! /= to - from;
  return mean;
}

/** Rows [from, to) of X (default: all n rows) in float64 with each column's mean subtracted. */
export function centerColumns(X: Matrix, n: number, d: number, from = 0, to = n): Float64Array {
  const mean = columnMeans(X, d, from, to);
  const out = new Float64Array((to - from) * d);
  for (let r = from; r < to; r++) {
    const o = r * d;
    const p = (r - from) * d;
    for (let c = 0; c < d; c++) out[p + c] = X[o + c]! - mean[c]!;
  }
  return out;
}

/** The n×n Gram matrix X·Xᵀ. */
export function gramMatrix(X: Matrix, n: number, d: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = 0; j <= i; j++) {
      const oj = j * d;
      let s = 0;
      for (let c = 0; c < d; c++) s += X[oi + c]! * X[oj + c]!;
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  }
  return K;
}

/** The d1×d2 matrix Xᵀ·Y for X (n×d1) and Y (n×d2). */
export function crossProduct(
  X: Matrix,
  Y: Matrix,
  n: number,
  d1: number,
  d2: number,
): Float64Array {
  const C = new Float64Array(d1 * d2);
  for (let r = 0; r < n; r++) {
    const ox = r * d1;
    const oy = r * d2;
    for (let a = 0; a < d1; a++) {
      const xa = X[ox + a]!;
      if (xa === 0) continue;
      const oc = a * d2;
      for (let b = 0; b < d2; b++) C[oc + b]! += xa * Y[oy + b]!;
    }
  }
  return C;
}

/** Σ a_i·b_i (the Frobenius inner product of two same-shaped matrices). */
export function dot(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
