import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { stratifiedSplit, testCount } from './split';

describe('stratifiedSplit', () => {
  const labels = [...Array(100).keys()].map((i) => (i < 70 ? 0 : i < 95 ? 1 : 2));

  it('takes the test share from every class', () => {
    const split = stratifiedSplit(labels, { seed: 1, testFraction: 0.2 });
    const tests = [0, 1, 2].map(
      (c) => labels.filter((l, i) => l === c && split[i] === 'test').length,
    );
    expect(tests).toEqual([14, 5, 1]);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = stratifiedSplit(labels, { seed: 7, testFraction: 0.3 });
    expect(stratifiedSplit(labels, { seed: 7, testFraction: 0.3 })).toEqual(a);
    expect(stratifiedSplit(labels, { seed: 8, testFraction: 0.3 })).not.toEqual(a);
  });

  it('keeps one item on each side of a small class', () => {
    expect(testCount(2, 0.05)).toBe(1);
    expect(testCount(2, 0.95)).toBe(1);
    expect(testCount(1, 0.5)).toBe(1);
    expect(testCount(10, 0)).toBe(0);
    expect(testCount(10, 1)).toBe(10);
    expect(() => testCount(10, 1.5)).toThrow(RangeError);
  });
});

describe('mulberry32', () => {
  it('is uniform enough and reproducible', () => {
    const r = mulberry32(42);
    const xs = Array.from({ length: 10000 }, r);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(mulberry32(42)()).toBe(xs[0]);
  });
});
