/** Principal component analysis of n examples × d features (float64). */
import { topEigen } from './linalg/topEigen';
import { centerColumns, checkMatrix, crossProduct, gramMatrix, type Matrix } from './linalg/matrix';

export interface PcaResult {
  /** k×d row-major: unit principal directions, largest variance first. */
  components: Float64Array;
  /** n×k row-major: the centred data projected on each component. */
  projected: Float64Array;
  /** k values: each component's share of the total variance. */
  explainedVarianceRatio: Float64Array;
}

/** 'covariance': eigenvectors of the d×d covariance; 'gram': of the n×n Gram; 'auto': the smaller. */
export type PcaMethod = 'auto' | 'covariance' | 'gram';

/** Variances at or below this fraction of the total count as zero. */
const ZERO_VARIANCE = 1e-12;

/**
 * Top-k PCA of mean-centred data, through the d×d covariance when d ≤ n, else through the n×n
 * Gram matrix (v = Xcᵀu/‖Xcᵀu‖). Each component's sign is fixed so that its largest-magnitude
 * entry (the first, on ties) is positive. A component with no variance (rank below k) is all
 * zeros, with zero projection and ratio.
 */
export function pca(
  data: Matrix,
  n: number,
  d: number,
  k = 3,
  method: PcaMethod = 'auto',
): PcaResult {
  checkMatrix(data, n, d, 'pca');
  if (n < 2) throw new RangeError(`PCA needs at least 2 examples, got ${n}`);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, d)) {
    throw new RangeError(`k must be an integer in 1..${Math.min(n, d)} (min(n, d)), got ${k}`);
  }
  const Xc = centerColumns(data, n, d);
  let total = 0;
  for (const v of Xc) total += v * v;
  const useGram = method === 'gram' || (method === 'auto' && d > n);
  const components = new Float64Array(k * d);
  const ratios = new Float64Array(k);
  if (useGram) {
    const eig = topEigen(gramMatrix(Xc, n, d), n, k);
    for (let c = 0; c < k; c++) {
      if (!(eig.values[c]! > ZERO_VARIANCE * total)) continue;
      // v = Xcᵀu, then normalised
      const v = components.subarray(c * d, (c + 1) * d);
      for (let r = 0; r < n; r++) {
        const u = eig.vectors[c * n + r]!;
        for (let j = 0; j < d; j++) v[j]! += u * Xc[r * d + j]!;
      }
      let norm = 0;
      for (const x of v) norm += x * x;
      norm = Math.sqrt(norm);
      for (let j = 0; j < d; j++) v[j]! /= norm;
      ratios[c] = eig.values[c]! / total;
    }
  } else {
    const eig = topEigen(crossProduct(Xc, Xc, n, d, d), d, k);
    for (let c = 0; c < k; c++) {
      if (!(eig.values[c]! > ZERO_VARIANCE * total)) continue;
      components.set(eig.vectors.subarray(c * d, (c + 1) * d), c * d);
      ratios[c] = eig.values[c]! / total;
    }
  }
  for (let c = 0; c < k; c++) fixSign(components.subarray(c * d, (c + 1) * d));
  const projected = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Xc[r * d + j]! * components[c * d + j]!;
      projected[r * k + c] = s;
    }
  }
  return { components, projected, explainedVarianceRatio: ratios };
}

/** Flips v so that its largest-magnitude entry (the first, on ties) is positive. */
function fixSign(v: Float64Array): void {
  let best = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j]!) > Math.abs(v[best]!)) best = j;
  if (v[best]! < 0) for (let j = 0; j < v.length; j++) v[j] = -v[j]!;
}
