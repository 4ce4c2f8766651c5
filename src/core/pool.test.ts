import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveBin } from './pool';

const range = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i);

describe('adaptiveBin', () => {
  it('uses floor/ceil bounds like PyTorch', () => {
    expect([0, 1].map((i) => adaptiveBin(i, 2, 3))).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect([0, 1, 2].map((i) => adaptiveBin(i, 3, 5))).toEqual([
      [0, 2],
      [1, 4],
      [3, 5],
    ]);
    expect([0, 1].map((i) => adaptiveBin(i, 2, 4))).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });
});

describe('adaptiveAvgPool2d', () => {
  it('3×3 → 2×2 with overlapping bins (hand-computed)', () => {
    // 0 1 2 / 3 4 5 / 6 7 8; bins rows/cols [0,2) and [1,3)
    // top-left {0,1,3,4} = 2, top-right {1,2,4,5} = 3, bottom-left {3,4,6,7} = 5, {4,5,7,8} = 6
    expect(Array.from(adaptiveAvgPool2d(range(9), [1, 1, 3, 3], 2))).toEqual([2, 3, 5, 6]);
  });

  it('4×4 → 2×2 (hand-computed), per channel and per item', () => {
    // 0..15: {0,1,4,5} = 2.5, {2,3,6,7} = 4.5, {8,9,12,13} = 10.5, {10,11,14,15} = 12.5
    const x = range(32); // N = 2, C = 1 (second plane is the first + 16)
    expect(Array.from(adaptiveAvgPool2d(x, [2, 1, 4, 4], 2))).toEqual([
      2.5, 4.5, 10.5, 12.5, 18.5, 20.5, 26.5, 28.5,
    ]);
    expect(Array.from(adaptiveAvgPool2d(x, [1, 2, 4, 4], 2))).toEqual([
      2.5, 4.5, 10.5, 12.5, 18.5, 20.5, 26.5, 28.5,
    ]);
  });

  it('non-square 2×3 → 2×2, 5×5 → 3×3 and 7×5 → 3×3', () => {
    // 2×3 plane 0..5, p = 2: rows [0,1),[1,2); cols [0,2),[1,3)
    // (0+1)/2 = 0.5, (1+2)/2 = 1.5, (3+4)/2 = 3.5, (4+5)/2 = 4.5
    expect(Array.from(adaptiveAvgPool2d(range(6), [1, 1, 2, 3], 2))).toEqual([0.5, 1.5, 3.5, 4.5]);
    // 5×5, p = 3: centre bin rows/cols [1,4) → mean of value 5r + c over r,c ∈ {1,2,3} = 12
    expect(adaptiveAvgPool2d(range(25), [1, 1, 5, 5], 3)[4]).toBe(12);
    // 7×5 (value 5r + c), p = 3: rows [0,3),[2,5),[4,7), cols [0,2),[1,4),[3,5); bin means are
    // 5·(mean r) + mean c, e.g. 5·1 + 0.5 = 5.5; torch.nn.functional.adaptive_avg_pool2d agrees
    expect(Array.from(adaptiveAvgPool2d(range(35), [1, 1, 7, 5], 3))).toEqual([
      5.5, 7, 8.5, 15.5, 17, 18.5, 25.5, 27, 28.5,
    ]);
  });

  it('p = 1 is the mean of each plane', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8.5, -1, 0, 0, 1]);
    const out = adaptiveAvgPool2d(x, [1, 3, 2, 2], 1);
    expect(Array.from(out)).toEqual([2.5, 6.625, 0]);
  });

  it('p = H is the identity', () => {
    const x = Float32Array.from({ length: 2 * 3 * 5 * 5 }, (_, i) => Math.sin(i) * 3);
    expect(adaptiveAvgPool2d(x, [2, 3, 5, 5], 5)).toEqual(x);
  });

  it('accumulates in float64 (a float32 running sum would lose the small values)', () => {
    const x = new Float32Array(4);
    x.set([1e8, 1, 1, -1e8]);
    // float32: 1e8 + 1 + 1 = 1e8, so a float32 sum gives 0; the true mean is 0.5
    expect(adaptiveAvgPool2d(x, [1, 1, 2, 2], 1)[0]).toBe(0.5);
  });

  it('rejects a shape that does not match the data, and bad p', () => {
    expect(() => adaptiveAvgPool2d(range(8), [1, 1, 3, 3], 2)).toThrow(/needs 9/);
    expect(() => adaptiveAvgPool2d(range(9), [1, 1, 3, 3], 0)).toThrow(RangeError);
    expect(() => adaptiveAvgPool2d(range(9), [1, 1, 3, 3], 1.5)).toThrow(RangeError);
  });
});
