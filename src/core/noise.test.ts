import { describe, expect, it } from 'vitest';
import { gaussianNoise, noiseKey } from './noise';

const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
function correlation(a: Float32Array, b: Float32Array): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('gaussianNoise', () => {
  it('pins the first values for one triple (an independent Python port of the recipe agrees)', () => {
    const v = gaussianNoise(42, 'fmnist/test/00017', 90, 6);
    expect(Array.from(v.subarray(0, 4))).toEqual([
      1.3233656883239746, 0.951248049736023, -0.2150631844997406, 2.04276704788208,
    ]);
    // Non-ASCII and '|' in the id: the key is hashed as UTF-8.
    expect(Array.from(gaussianNoise(0, 'é|x', 0, 3))).toEqual([
      0.7683297395706177, -0.3588985800743103, 0.9545480608940125,
    ]);
  });

  it('is deterministic', () => {
    expect(gaussianNoise(7, 'a', 3, 1000)).toEqual(gaussianNoise(7, 'a', 3, 1000));
  });

  it('differs (and is uncorrelated) when seed, item or t changes', () => {
    const n = 4000;
    const base = gaussianNoise(7, 'a', 3, n);
    for (const other of [
      gaussianNoise(8, 'a', 3, n),
      gaussianNoise(7, 'b', 3, n),
      gaussianNoise(7, 'a', 4, n),
      gaussianNoise(-7, 'a', 3, n),
    ]) {
      expect(other).not.toEqual(base);
      // sd of a sample correlation of independent series is 1/√n ≈ 0.016; allow 5 sd
      expect(Math.abs(correlation(base, other))).toBeLessThan(5 / Math.sqrt(n));
    }
  });

  it('a shorter request is a prefix of a longer one (odd lengths too)', () => {
    const long = gaussianNoise(1, 'x', 0, 100);
    expect(gaussianNoise(1, 'x', 0, 10)).toEqual(long.subarray(0, 10));
    expect(gaussianNoise(1, 'x', 0, 7)).toEqual(long.subarray(0, 7));
    expect(gaussianNoise(1, 'x', 0, 0).length).toBe(0);
  });

  it('has mean 0, variance 1 and normal tails on 1e5 draws', () => {
    const n = 100_000;
    const z = gaussianNoise(2024, 'stats', 500, n);
    const m = mean(z);
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
    // sd(mean) = 1/√n ≈ 0.0032, sd(variance) = √(2/n) ≈ 0.0045; bounds are 5 sd
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // P(|z| > 1.96) = 0.05, sd of the fraction √(0.05·0.95/n) ≈ 0.00069; 5 sd
    const tail = z.reduce((s, x) => s + (Math.abs(x) > 1.96 ? 1 : 0), 0) / n;
    expect(Math.abs(tail - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / n));
    // even and odd positions (cos and sin halves) are both standard normal and uncorrelated
    const even = z.filter((_, i) => i % 2 === 0);
    const odd = z.filter((_, i) => i % 2 === 1);
    expect(Math.abs(mean(even))).toBeLessThan(5 / Math.sqrt(n / 2));
    expect(Math.abs(correlation(even, odd))).toBeLessThan(5 / Math.sqrt(n / 2));
  });

  it('rejects non-integer seeds, negative t and bad lengths', () => {
    expect(() => gaussianNoise(1.5, 'a', 0, 1)).toThrow(/seed must be an integer/);
    expect(() => gaussianNoise(1, 'a', -1, 1)).toThrow(/t must be an integer ≥ 0/);
    expect(() => gaussianNoise(1, 'a', 0, -1)).toThrow(/length/);
    expect(noiseKey(3, 'id', 90)).toBe('3|id|90');
  });
});
