/**
 * How well a representation separates the classes, in one number: the leave-one-out accuracy of
 * a k-nearest-neighbour vote (Euclidean, on the full features, not on a 2-D map).
 */

/** Leave-one-out k-NN accuracy of `labels` from n×d features (majority vote, ties → nearest). */
export function knnAccuracy(
  data: Float32Array,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  k = 5,
): number {
  if (data.length !== n * d) throw new RangeError(`expected ${n}×${d} values, got ${data.length}`);
  if (labels.length !== n) throw new RangeError(`expected ${n} labels, got ${labels.length}`);
  if (n < 2) throw new RangeError('k-NN accuracy needs at least 2 examples');
  const kk = Math.min(k, n - 1);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * d; j < i * d + d; j++) s += data[j]! * data[j]!;
    norms[i] = s;
  }
  const dist = new Float64Array(n);
  const idx = new Int32Array(n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const a = i * d;
    for (let m = 0; m < n; m++) {
      let dot = 0;
      const b = m * d;
      for (let j = 0; j < d; j++) dot += data[a + j]! * data[b + j]!;
      dist[m] = m === i ? Infinity : norms[i]! + norms[m]! - 2 * dot;
      idx[m] = m;
    }
    // the kk nearest by partial selection
    for (let s = 0; s < kk; s++) {
      let best = s;
      for (let m = s + 1; m < n; m++) if (dist[idx[m]!]! < dist[idx[best]!]!) best = m;
      const t = idx[s]!;
      idx[s] = idx[best]!;
      idx[best] = t;
    }
    const votes = new Map<number, number>();
    for (let s = 0; s < kk; s++) {
      const l = labels[idx[s]!]!;
      votes.set(l, (votes.get(l) ?? 0) + 1);
    }
    let top = -1;
    let winner = labels[idx[0]!]!;
    for (let s = 0; s < kk; s++) {
      const l = labels[idx[s]!]!;
      const v = votes.get(l)!;
      if (v > top) {
        top = v;
        winner = l;
      }
    }
    if (winner === labels[i]) correct++;
  }
  return correct / n;
}
