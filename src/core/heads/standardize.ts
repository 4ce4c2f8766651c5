/** Per-feature standardisation with the training set's statistics. */
export interface Standardizer {
  mean: Float32Array;
  /** Standard deviation (population); features that never vary keep 1. */
  std: Float32Array;
}

/** Mean and standard deviation of each of the `d` columns of x [n, d] (float64 sums). */
export function fitStandardizer(x: Float32Array, d: number): Standardizer {
  if (d < 1 || x.length % d !== 0) throw new RangeError(`${x.length} values are not rows of ${d}`);
  const n = x.length / d;
  if (n < 1) throw new RangeError('no rows to standardise');
  const sum = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) sum[j]! += x[o + j]!;
  }
  const mean = new Float32Array(d);
  for (let j = 0; j < d; j++) mean[j] = sum[j]! / n;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = x[o + j]! - mean[j]!;
      sq[j]! += v * v;
    }
  }
  const std = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(sq[j]! / n);
    std[j] = s > 1e-6 ? s : 1;
  }
  return { mean, std };
}

/** (x − mean) / std, row by row, into a new array. */
export function applyStandardizer(x: Float32Array, s: Standardizer): Float32Array {
  const d = s.mean.length;
  if (x.length % d !== 0) throw new RangeError(`${x.length} values are not rows of ${d}`);
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += d) {
    for (let j = 0; j < d; j++) out[o + j] = (x[o + j]! - s.mean[j]!) / s.std[j]!;
  }
  return out;
}
