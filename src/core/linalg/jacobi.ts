/** Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (float64). */

export interface Eigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Row i (length m) is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

/**
 * All eigenpairs of the symmetric m×m matrix A (row-major; only its symmetric part is used).
 * Sweeps of plane rotations, skipping entries below 1e-15·‖A‖_F/m, until a sweep rotates nothing
 * (at most 100 sweeps; Jacobi converges quadratically, typically in 6–10). Cost O(m³) per sweep.
 */
export function jacobiEigen(A: Float64Array, m: number): Eigen {
  if (A.length !== m * m) throw new RangeError(`jacobiEigen: A must be ${m}×${m}`);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) a[i * m + j] = (A[i * m + j]! + A[j * m + i]!) / 2;
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  let total = 0;
  for (let i = 0; i < m * m; i++) total += a[i]! ** 2;
  const tol = (1e-15 * Math.sqrt(total)) / m;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotations = 0;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q]!;
        if (Math.abs(apq) <= tol) continue;
        rotations++;
        // rotation J (J_pp = J_qq = c, J_pq = s, J_qp = −s) with (JᵀAJ)_pq = 0
        const theta = (a[q * m + q]! - a[p * m + p]!) / (2 * apq);
        const t =
          Math.abs(theta) > 1e150
            ? 1 / (2 * theta)
            : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p]!;
          const akq = a[k * m + q]!;
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k]!;
          const aqk = a[q * m + k]!;
          a[p * m + k] = c * apk - s * aqk;
          a[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p]!;
          const vkq = V[k * m + q]!;
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
        a[p * m + q] = 0;
        a[q * m + p] = 0;
      }
    }
    if (rotations === 0) break;
  }
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (i, j) => a[j * m + j]! - a[i * m + i]! || i - j,
  );
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((col, r) => {
    values[r] = a[col * m + col]!;
    for (let k = 0; k < m; k++) vectors[r * m + k] = V[k * m + col]!;
  });
  return { values, vectors };
}
