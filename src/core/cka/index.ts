/**
 * Centered kernel alignment with linear kernels: the full-data estimator of Kornblith et al.
 * (2019) in its feature (d×d) and Gram (n×n) forms, and the minibatch estimator of Nguyen, Raghu
 * & Kornblith (2021). Matrices are row-major, n rows (examples) × d columns (features); all sums
 * are float64. Where a denominator is 0 (a constant representation) the result is NaN.
 */
import {
  centerColumns,
  checkMatrix,
  crossProduct,
  dot,
  gramMatrix,
  type Matrix,
} from '../linalg/matrix';

function checkPair(X: Matrix, Y: Matrix, n: number, d1: number, d2: number): void {
  checkMatrix(X, n, d1, 'X');
  checkMatrix(Y, n, d2, 'Y');
  if (n < 2) throw new RangeError(`CKA needs at least 2 examples, got ${n}`);
}

/** ‖XᵀX‖_F for column-centred X, using the symmetry of XᵀX. */
function selfNorm(Xc: Float64Array, n: number, d: number): number {
  const S = crossProduct(Xc, Xc, n, d, d);
  return Math.sqrt(dot(S, S));
}

/**
 * HSIC(K, L) = tr(K H L H)/(n − 1)², H = I − 11ᵀ/n, for any two n×n Gram matrices (the
 * definition; the CKA functions below use the equivalent centred-feature Grams).
 */
export function hsic(K: Float64Array, L: Float64Array, n: number): number {
  return dot(centerGram(K, n), centerGram(L, n)) / (n - 1) ** 2;
}

/** H·K·H: subtract row and column means, add back the grand mean. */
export function centerGram(K: Float64Array, n: number): Float64Array {
  const row = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += K[i * n + j]!;
    row[i] = s / n;
    all += s;
  }
  all /= n * n;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = K[i * n + j]! - row[i]! - row[j]! + all;
  }
  return out;
}

/** Linear CKA, feature form: ‖YᵀX‖²_F / (‖XᵀX‖_F·‖YᵀY‖_F) on column-centred X, Y. */
export function linearCkaFeature(X: Matrix, Y: Matrix, n: number, d1: number, d2: number): number {
  checkPair(X, Y, n, d1, d2);
  const Xc = centerColumns(X, n, d1);
  const Yc = centerColumns(Y, n, d2);
  const C = crossProduct(Xc, Yc, n, d1, d2);
  return dot(C, C) / (selfNorm(Xc, n, d1) * selfNorm(Yc, n, d2));
}

/** The centred Gram matrix H·X·Xᵀ·H, computed as Xc·Xcᵀ from column-centred X. */
export function centeredGram(X: Matrix, n: number, d: number): Float64Array {
  return gramMatrix(centerColumns(X, n, d), n, d);
}

/** CKA from centred Grams: HSIC(K, L)/sqrt(HSIC(K, K)·HSIC(L, L)); the (n − 1)² cancels. */
function ckaFromCenteredGrams(Kc: Float64Array, Lc: Float64Array): number {
  return dot(Kc, Lc) / Math.sqrt(dot(Kc, Kc) * dot(Lc, Lc));
}

/** Linear CKA, Gram form: HSIC(K, L)/sqrt(HSIC(K, K)·HSIC(L, L)) with K = XXᵀ, L = YYᵀ. */
export function linearCkaGram(X: Matrix, Y: Matrix, n: number, d1: number, d2: number): number {
  checkPair(X, Y, n, d1, d2);
  return ckaFromCenteredGrams(centeredGram(X, n, d1), centeredGram(Y, n, d2));
}

/** Linear CKA: the feature form when max(d1, d2) < n, else the Gram form (same value). */
export function linearCka(X: Matrix, Y: Matrix, n: number, d1: number, d2: number): number {
  return Math.max(d1, d2) < n ? linearCkaFeature(X, Y, n, d1, d2) : linearCkaGram(X, Y, n, d1, d2);
}

/** What the unbiased HSIC needs from one kernel: K̃ (zero diagonal), K̃1 and 1ᵀK̃1. */
interface ZeroDiagGram {
  K: Float64Array;
  rowSums: Float64Array;
  total: number;
}

function zeroDiagGram(K: Float64Array, n: number): ZeroDiagGram {
  const Kt = Float64Array.from(K);
  const rowSums = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    Kt[i * n + i] = 0;
    let s = 0;
    for (let j = 0; j < n; j++) s += Kt[i * n + j]!;
    rowSums[i] = s;
    total += s;
  }
  return { K: Kt, rowSums, total };
}

function hsic1(a: ZeroDiagGram, b: ZeroDiagGram, n: number): number {
  const trace = dot(a.K, b.K); // tr(K̃L̃) = Σ K̃∘L̃ for symmetric matrices
  const middle = (a.total * b.total) / ((n - 1) * (n - 2));
  const last = (2 / (n - 2)) * dot(a.rowSums, b.rowSums); // 1ᵀK̃L̃1 = (K̃1)·(L̃1)
  return (trace + middle - last) / (n * (n - 3));
}

/**
 * The unbiased HSIC₁ of two n×n symmetric Gram matrices (n ≥ 4; their diagonals are ignored):
 * [tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3)).
 */
export function unbiasedHsic(K: Float64Array, L: Float64Array, n: number): number {
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`HSIC₁ needs n ≥ 4, got ${n}`);
  if (K.length !== n * n || L.length !== n * n) {
    throw new RangeError(`HSIC₁: Gram matrices must be ${n}×${n}`);
  }
  return hsic1(zeroDiagGram(K, n), zeroDiagGram(L, n), n);
}

/** Row ranges [from, to) of consecutive batches; a last batch of fewer than 4 rows is dropped. */
export function minibatchRanges(n: number, batchSize: number): [number, number][] {
  if (!Number.isInteger(batchSize) || batchSize < 4) {
    throw new RangeError(`batchSize must be an integer ≥ 4, got ${batchSize}`);
  }
  const out: [number, number][] = [];
  for (let from = 0; from + 4 <= n; from += batchSize)
    out.push([from, Math.min(n, from + batchSize)]);
  if (out.length === 0) throw new RangeError(`minibatch CKA needs at least 4 examples, got ${n}`);
  return out;
}

/**
 * The zero-diagonal Gram of one batch. HSIC₁ is unchanged by shifting every row by the same
 * vector (for a linear kernel), so columns are centred within the batch first: same value,
 * less rounding error.
 */
function batchGram(X: Matrix, n: number, d: number, from: number, to: number): ZeroDiagGram {
  const m = to - from;
  return zeroDiagGram(gramMatrix(centerColumns(X, n, d, from, to), m, d), m);
}

/**
 * Minibatch linear CKA (Nguyen, Raghu & Kornblith 2021): rows are taken in order in batches of
 * `batchSize` (no shuffling; shuffle beforehand if the order is not random). A final batch with
 * fewer than 4 rows is dropped (HSIC₁ is undefined below 4); a shorter final batch of ≥ 4 rows
 * is kept. HSIC₁ is averaged over batches, then CKA = mean HSIC₁(K, L) /
 * sqrt(mean HSIC₁(K, K)·mean HSIC₁(L, L)).
 */
export function minibatchCka(
  X: Matrix,
  Y: Matrix,
  n: number,
  d1: number,
  d2: number,
  batchSize: number,
): number {
  checkPair(X, Y, n, d1, d2);
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (const [from, to] of minibatchRanges(n, batchSize)) {
    const K = batchGram(X, n, d1, from, to);
    const L = batchGram(Y, n, d2, from, to);
    const m = to - from;
    kl += hsic1(K, L, m);
    kk += hsic1(K, K, m);
    ll += hsic1(L, L, m);
  }
  return kl / Math.sqrt(kk * ll); // the 1/(number of batches) of each mean cancels
}

export type CkaMethod = 'auto' | 'feature' | 'gram' | { kind: 'minibatch'; batchSize: number };

export interface CkaFeatures {
  /** n×d row-major. */
  data: Matrix;
  d: number;
}

/**
 * The m×m matrix of CKA between every pair of representations of the same n examples
 * (row-major, symmetric). Work is shared: each representation is centred (feature form) or its
 * centred Gram is built (Gram form) once, and each minibatch Gram once per batch. 'auto' uses
 * the feature form when every d < n. The Gram form holds m n×n float64 matrices at once.
 */
export function ckaMatrix(
  features: readonly CkaFeatures[],
  n: number,
  method: CkaMethod,
): Float64Array {
  const m = features.length;
  features.forEach((f, i) => checkMatrix(f.data, n, f.d, `features[${i}]`));
  if (n < 2) throw new RangeError(`CKA needs at least 2 examples, got ${n}`);
  const out = new Float64Array(m * m);
  const fill = (pair: (i: number, j: number) => number, self: (i: number) => number): void => {
    const norms = Array.from({ length: m }, (_, i) => self(i));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        const v = pair(i, j) / (norms[i]! * norms[j]!);
        out[i * m + j] = v;
        out[j * m + i] = v;
      }
    }
  };
  const form = method === 'auto' ? (features.every((f) => f.d < n) ? 'feature' : 'gram') : method;
  if (form === 'feature') {
    const Xc = features.map((f) => centerColumns(f.data, n, f.d));
    fill(
      (i, j) => {
        const C = crossProduct(Xc[i]!, Xc[j]!, n, features[i]!.d, features[j]!.d);
        return dot(C, C);
      },
      (i) => selfNorm(Xc[i]!, n, features[i]!.d),
    );
  } else if (form === 'gram') {
    const K = features.map((f) => centeredGram(f.data, n, f.d));
    fill(
      (i, j) => dot(K[i]!, K[j]!),
      (i) => Math.sqrt(dot(K[i]!, K[i]!)),
    );
  } else {
    const sums = new Float64Array(m * m); // Σ over batches of HSIC₁(K_i, K_j)
    for (const [from, to] of minibatchRanges(n, form.batchSize)) {
      const grams = features.map((f) => batchGram(f.data, n, f.d, from, to));
      for (let i = 0; i < m; i++) {
        for (let j = 0; j <= i; j++) sums[i * m + j]! += hsic1(grams[i]!, grams[j]!, to - from);
      }
    }
    fill(
      (i, j) => sums[i * m + j]!,
      (i) => Math.sqrt(sums[i * m + i]!),
    );
  }
  return out;
}
