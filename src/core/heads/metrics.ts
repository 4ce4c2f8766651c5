/** Classification metrics from logits or probabilities [n, K] (row-major). */

export function argmaxRows(scores: Float32Array, k: number): Int32Array {
  const n = scores.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = scores[i * k + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** confusion[true][predicted] counts. */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  k: number,
): number[][] {
  if (labels.length !== predicted.length)
    throw new RangeError(`${labels.length} labels but ${predicted.length} predictions`);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const p = predicted[i]!;
    if (y < 0 || y >= k || p < 0 || p >= k) throw new RangeError(`class out of range at ${i}`);
    m[y]![p]! += 1;
  }
  return m;
}

export function accuracy(labels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (!labels.length) return 0;
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predicted[i]) hit++;
  return hit / labels.length;
}

/** Per-class recall (the diagonal over the row sums); NaN for a class with no examples. */
export function perClassAccuracy(confusion: number[][]): number[] {
  return confusion.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? row[i]! / total : NaN;
  });
}

/** Numerically stable softmax of one row. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < logits.length; i++) out[i]! /= sum;
  return out;
}

export interface Ranked {
  index: number;
  probability: number;
}

/** The k most probable classes of one row of logits, most probable first. */
export function topK(logits: ArrayLike<number>, k: number): Ranked[] {
  const p = softmax(logits);
  return Array.from(p, (probability, index) => ({ index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, Math.max(0, k));
}

/** Indices of wrongly classified items, in order. */
export function misclassified(labels: ArrayLike<number>, predicted: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== predicted[i]) out.push(i);
  return out;
}
