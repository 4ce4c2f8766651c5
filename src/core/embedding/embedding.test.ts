import { describe, expect, it } from 'vitest';
import { makeRng, normalArray } from '../heads/random';
import { knnAccuracy } from './knn';
import { umap2d, UmapCancelled } from './umap';

/** Three Gaussian clusters in d dimensions, separated along random directions. */
function clusters(perClass: number, d: number, spread: number, seed = 1) {
  const rng = makeRng(seed);
  const n = perClass * 3;
  const data = new Float32Array(n * d);
  const labels: number[] = [];
  const centres = [0, 1, 2].map(() => normalArray(d, 4, rng));
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels.push(c);
    const noise = normalArray(d, spread, rng);
    for (let j = 0; j < d; j++) data[i * d + j] = centres[c]![j]! + noise[j]!;
  }
  return { data, labels, n, d };
}

describe('k-NN accuracy', () => {
  it('is 1 for separated clusters, about chance for shuffled labels', () => {
    const { data, labels, n, d } = clusters(30, 16, 0.5);
    expect(knnAccuracy(data, n, d, labels, 5)).toBe(1);
    const rng = makeRng(7);
    const shuffled = labels.map(() => Math.floor(rng() * 3));
    expect(knnAccuracy(data, n, d, shuffled, 5)).toBeLessThan(0.6);
  });

  it('counts by hand on a line: 1-NN of 0,1,10,11 labelled a,a,b,a', () => {
    const data = Float32Array.from([0, 1, 10, 11]);
    // 0→1 (a ✓), 1→0 (a ✓), 10→11 (a ✗), 11→10 (b ✗)
    expect(knnAccuracy(data, 4, 1, [0, 0, 1, 0], 1)).toBe(0.5);
  });

  it('refuses shapes that do not match', () => {
    expect(() => knnAccuracy(new Float32Array(5), 2, 2, [0, 1])).toThrow(RangeError);
    expect(() => knnAccuracy(new Float32Array(4), 2, 2, [0])).toThrow(RangeError);
  });
});

describe('UMAP 2-D map', () => {
  it('keeps separated clusters apart, and the same seed gives the same map', async () => {
    const { data, labels, n, d } = clusters(25, 12, 0.5);
    const a = await umap2d(data, n, d, { seed: 3 });
    expect(a).toHaveLength(n * 2);
    expect(a.every(Number.isFinite)).toBe(true);
    // in the 2-D map itself the neighbours of a point are of its class
    expect(knnAccuracy(Float32Array.from(a), n, 2, labels, 5)).toBe(1);
    const b = await umap2d(data, n, d, { seed: 3 });
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('stops when told to', async () => {
    const { data, n, d } = clusters(10, 4, 0.5);
    let calls = 0;
    await expect(
      umap2d(data, n, d, { onEpoch: () => (++calls < 3 ? true : false) }),
    ).rejects.toBeInstanceOf(UmapCancelled);
    expect(calls).toBe(3);
  });
});
