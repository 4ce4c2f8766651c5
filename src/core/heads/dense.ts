/**
 * Dense math of a softmax-regression (linear) head in plain typed arrays. Weights are held
 * transposed, wt [K, d] row-major (class k's weights contiguous), so that the logits and the
 * weight gradient are loops over d contiguous values; biases b [K]. Parameters and feature rows
 * x [n, d] are float32 (as tfjs and PyTorch store them); gradients, logits and every sum are
 * float64. Rows are read through an index list (`rows[start .. start+count)`), so a minibatch is
 * never copied. The loops take blocks of four rows × two classes: each value loaded serves
 * several multiply-adds and the sums are independent (in Node's V8, for d = 256 and K = 10,
 * about 1.6× faster than blocks of four rows × one class).
 */

/** z [count, K] (float64) = x[rows] · wtᵀ + b. */
export function linearForward(
  x: Float32Array,
  d: number,
  rows: Int32Array,
  start: number,
  count: number,
  wt: Float32Array,
  b: Float32Array,
  z: Float64Array,
): void {
  const K = b.length;
  const c4 = count - (count % 4);
  let r = 0;
  for (; r < c4; r += 4) {
    const oa = rows[start + r]! * d;
    const ob = rows[start + r + 1]! * d;
    const oc = rows[start + r + 2]! * d;
    const od = rows[start + r + 3]! * d;
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const wo = k * d;
      const wp = wo + d;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        t0 = 0,
        t1 = 0,
        t2 = 0,
        t3 = 0;
      for (let j = 0; j < d; j++) {
        const w = wt[wo + j]!;
        const v = wt[wp + j]!;
        const xa = x[oa + j]!,
          xb = x[ob + j]!,
          xc = x[oc + j]!,
          xd = x[od + j]!;
        s0 += xa * w;
        s1 += xb * w;
        s2 += xc * w;
        s3 += xd * w;
        t0 += xa * v;
        t1 += xb * v;
        t2 += xc * v;
        t3 += xd * v;
      }
      const bk = b[k]!,
        bl = b[k + 1]!;
      z[r * K + k] = s0 + bk;
      z[(r + 1) * K + k] = s1 + bk;
      z[(r + 2) * K + k] = s2 + bk;
      z[(r + 3) * K + k] = s3 + bk;
      z[r * K + k + 1] = t0 + bl;
      z[(r + 1) * K + k + 1] = t1 + bl;
      z[(r + 2) * K + k + 1] = t2 + bl;
      z[(r + 3) * K + k + 1] = t3 + bl;
    }
    for (; k < K; k++) {
      const wo = k * d;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let j = 0; j < d; j++) {
        const w = wt[wo + j]!;
        s0 += x[oa + j]! * w;
        s1 += x[ob + j]! * w;
        s2 += x[oc + j]! * w;
        s3 += x[od + j]! * w;
      }
      const bk = b[k]!;
      z[r * K + k] = s0 + bk;
      z[(r + 1) * K + k] = s1 + bk;
      z[(r + 2) * K + k] = s2 + bk;
      z[(r + 3) * K + k] = s3 + bk;
    }
  }
  for (; r < count; r++) {
    const oa = rows[start + r]! * d;
    for (let k = 0; k < K; k++) {
      const wo = k * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += x[oa + j]! * wt[wo + j]!;
      z[r * K + k] = s + b[k]!;
    }
  }
}

/**
 * Softmax cross-entropy of logits z [count, K] against the labels y[rows[...]]: returns the loss
 * sum, turns z into G = (P − Y) / count in place, and writes gb = Σ G (the bias gradient).
 */
export function softmaxXentBackward(
  z: Float64Array,
  y: Int32Array,
  rows: Int32Array,
  start: number,
  count: number,
  gb: Float64Array,
): number {
  const K = gb.length;
  const inv = 1 / count;
  gb.fill(0);
  let lossSum = 0;
  for (let r = 0; r < count; r++) {
    const label = y[rows[start + r]!]!;
    const o = r * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (z[o + k]! > max) max = z[o + k]!;
    const zLabel = z[o + label]! - max;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(z[o + k]! - max);
      z[o + k] = e;
      sum += e;
    }
    // −log softmax(z)[label] = log Σ exp(z − max) − (z[label] − max)
    lossSum += Math.log(sum) - zLabel;
    const scale = inv / sum;
    for (let k = 0; k < K; k++) {
      const g = z[o + k]! * scale - (k === label ? inv : 0);
      z[o + k] = g;
      gb[k]! += g;
    }
  }
  return lossSum;
}

/** gwt [K, d] = Gᵀ · x[rows] for G [count, K] (float64). */
export function weightGrad(
  x: Float32Array,
  d: number,
  rows: Int32Array,
  start: number,
  count: number,
  g: Float64Array,
  gwt: Float64Array,
): void {
  const K = gwt.length / d;
  const c4 = count - (count % 4);
  gwt.fill(0);
  let k = 0;
  for (; k + 1 < K; k += 2) {
    const wo = k * d;
    const wp = wo + d;
    let r = 0;
    for (; r < c4; r += 4) {
      const oa = rows[start + r]! * d,
        ob = rows[start + r + 1]! * d,
        oc = rows[start + r + 2]! * d,
        od = rows[start + r + 3]! * d;
      const g0 = g[r * K + k]!,
        g1 = g[(r + 1) * K + k]!,
        g2 = g[(r + 2) * K + k]!,
        g3 = g[(r + 3) * K + k]!;
      const h0 = g[r * K + k + 1]!,
        h1 = g[(r + 1) * K + k + 1]!,
        h2 = g[(r + 2) * K + k + 1]!,
        h3 = g[(r + 3) * K + k + 1]!;
      for (let j = 0; j < d; j++) {
        const xa = x[oa + j]!,
          xb = x[ob + j]!,
          xc = x[oc + j]!,
          xd = x[od + j]!;
        gwt[wo + j]! += g0 * xa + g1 * xb + g2 * xc + g3 * xd;
        gwt[wp + j]! += h0 * xa + h1 * xb + h2 * xc + h3 * xd;
      }
    }
    for (; r < count; r++) {
      const oa = rows[start + r]! * d;
      const g0 = g[r * K + k]!,
        h0 = g[r * K + k + 1]!;
      for (let j = 0; j < d; j++) {
        gwt[wo + j]! += g0 * x[oa + j]!;
        gwt[wp + j]! += h0 * x[oa + j]!;
      }
    }
  }
  for (; k < K; k++) {
    const wo = k * d;
    let r = 0;
    for (; r < c4; r += 4) {
      const oa = rows[start + r]! * d,
        ob = rows[start + r + 1]! * d,
        oc = rows[start + r + 2]! * d,
        od = rows[start + r + 3]! * d;
      const g0 = g[r * K + k]!,
        g1 = g[(r + 1) * K + k]!,
        g2 = g[(r + 2) * K + k]!,
        g3 = g[(r + 3) * K + k]!;
      for (let j = 0; j < d; j++)
        gwt[wo + j]! += g0 * x[oa + j]! + g1 * x[ob + j]! + g2 * x[oc + j]! + g3 * x[od + j]!;
    }
    for (; r < count; r++) {
      const oa = rows[start + r]! * d;
      const g0 = g[r * K + k]!;
      for (let j = 0; j < d; j++) gwt[wo + j]! += g0 * x[oa + j]!;
    }
  }
}

/**
 * Mean softmax cross-entropy of the rows `rows[start .. start+count)` of x against y, and its
 * exact gradient: gwt = ((P − Y)ᵀ X) / B (transposed, [K, d]) and gb = mean(P − Y). `z` is scratch
 * of at least count·K values. Returns the batch's loss sum (not the mean).
 */
export function softmaxXentGrad(
  x: Float32Array,
  y: Int32Array,
  d: number,
  rows: Int32Array,
  start: number,
  count: number,
  wt: Float32Array,
  b: Float32Array,
  gwt: Float64Array,
  gb: Float64Array,
  z: Float64Array,
): number {
  linearForward(x, d, rows, start, count, wt, b, z);
  const lossSum = softmaxXentBackward(z, y, rows, start, count, gb);
  weightGrad(x, d, rows, start, count, z, gwt);
  return lossSum;
}

/** 0, 1, …, n−1. */
export function identityRows(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Logits [n, K] of every row of x (n = x.length / d), float64. */
export function linearLogits(
  x: Float32Array,
  d: number,
  wt: Float32Array,
  b: Float32Array,
): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n * b.length);
  linearForward(x, d, identityRows(n), 0, n, wt, b, out);
  return out;
}

/** Loss sum (softmax cross-entropy) and correct count of logits [n, K] against labels. */
export function scoreLogits(
  logits: Float64Array,
  y: Int32Array,
  K: number,
): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    const o = i * K;
    let max = -Infinity;
    let best = 0;
    for (let k = 0; k < K; k++) {
      const v = logits[o + k]!;
      // The first maximum, as argMax in tfjs and PyTorch.
      if (v > max) {
        max = v;
        best = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logits[o + k]! - max);
    lossSum += Math.log(sum) - (logits[o + y[i]!]! - max);
    if (best === y[i]) correct++;
  }
  return { lossSum, correct };
}

/** a [rows, cols] row-major → out [cols, rows] row-major. */
export function transpose(a: ArrayLike<number>, rows: number, cols: number, out: Float32Array) {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}
