/** The k largest eigenpairs of a symmetric positive semi-definite matrix. */
import { gaussianNoise } from '../noise';
import { jacobiEigen, type Eigen } from './jacobi';

/** Matrices up to this size are decomposed fully by Jacobi. */
const DIRECT_MAX = 128;

/** Orthonormalises the l vectors (each length m) in place: modified Gram–Schmidt, twice. */
function orthonormalize(Q: Float64Array[], m: number): void {
  let restarts = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < Q.length; i++) {
      const v = Q[i]!;
      for (let j = 0; j < i; j++) {
        const u = Q[j]!;
        let p = 0;
        for (let r = 0; r < m; r++) p += u[r]! * v[r]!;
        for (let r = 0; r < m; r++) v[r]! -= p * u[r]!;
      }
      let norm = 0;
      for (let r = 0; r < m; r++) norm += v[r]! ** 2;
      norm = Math.sqrt(norm);
      // a vector that vanished (rank-deficient A) is replaced by a fresh direction
      if (norm < 1e-300) {
        v.set(gaussianNoise(restarts++, 'topEigen/restart', 0, m));
        i--;
        continue;
      }
      for (let r = 0; r < m; r++) v[r]! /= norm;
    }
  }
}

function multiply(A: Float64Array, m: number, v: Float64Array): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    const o = i * m;
    for (let j = 0; j < m; j++) s += A[o + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** Σ_j W[j, i]·vs[j]: the i-th combination of the vectors with weights from W's column i. */
function combine(
  vs: Float64Array[],
  W: Float64Array,
  l: number,
  i: number,
  m: number,
): Float64Array {
  const out = new Float64Array(m);
  for (let j = 0; j < l; j++) {
    const w = W[i * l + j]!; // Jacobi's rows are eigenvectors
    const v = vs[j]!;
    for (let r = 0; r < m; r++) out[r]! += w * v[r]!;
  }
  return out;
}

/**
 * The k largest eigenpairs (values descending, unit vectors as rows) of the symmetric positive
 * semi-definite m×m matrix A. Small matrices (m ≤ 128) are decomposed fully by Jacobi; larger
 * ones by subspace iteration with Rayleigh–Ritz on a block of k + 10 vectors started from fixed
 * pseudo-random vectors (deterministic), until every wanted residual ‖Av − θv‖ ≤ tol·θ_max or
 * maxIter iterations (then the last Ritz pairs are returned and `converged` is false).
 */
export function topEigen(
  A: Float64Array,
  m: number,
  k: number,
  tol = 1e-10,
  maxIter = 1000,
): Eigen & { converged: boolean } {
  if (A.length !== m * m) throw new RangeError(`topEigen: A must be ${m}×${m}`);
  if (!Number.isInteger(k) || k < 1 || k > m)
    throw new RangeError(`k must be in 1..${m}, got ${k}`);
  const l = Math.min(m, k + 10);
  if (m <= DIRECT_MAX || l === m) {
    const { values, vectors } = jacobiEigen(A, m);
    return { values: values.slice(0, k), vectors: vectors.slice(0, k * m), converged: true };
  }
  let Q: Float64Array[] = Array.from({ length: l }, (_, i) =>
    Float64Array.from(gaussianNoise(i, 'topEigen', 0, m)),
  );
  orthonormalize(Q, m);
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * m);
  for (let iter = 0; iter < maxIter; iter++) {
    const Y = Q.map((q) => multiply(A, m, q));
    const B = new Float64Array(l * l);
    for (let i = 0; i < l; i++)
      for (let j = 0; j < l; j++) {
        let s = 0;
        for (let r = 0; r < m; r++) s += Q[i]![r]! * Y[j]![r]!;
        B[i * l + j] = s;
      }
    const ritz = jacobiEigen(B, l);
    const V = Array.from({ length: l }, (_, i) => combine(Q, ritz.vectors, l, i, m));
    const AV = Array.from({ length: l }, (_, i) => combine(Y, ritz.vectors, l, i, m));
    const scale = Math.max(Math.abs(ritz.values[0]!), Number.MIN_VALUE);
    let worst = 0;
    for (let i = 0; i < k; i++) {
      let res = 0;
      for (let r = 0; r < m; r++) res += (AV[i]![r]! - ritz.values[i]! * V[i]![r]!) ** 2;
      worst = Math.max(worst, Math.sqrt(res) / scale);
    }
    for (let i = 0; i < k; i++) {
      values[i] = ritz.values[i]!;
      vectors.set(V[i]!, i * m);
    }
    if (worst <= tol) return { values, vectors, converged: true };
    Q = AV;
    orthonormalize(Q, m);
  }
  return { values, vectors, converged: false };
}
