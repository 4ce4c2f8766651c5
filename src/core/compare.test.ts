import { describe, expect, it } from 'vitest';
import { maxRelativeError } from './compare';

describe('maxRelativeError', () => {
  it('divides the largest difference by the largest reference magnitude', () => {
    expect(maxRelativeError([1, 2, 3], [1, 2, 4])).toBeCloseTo(0.25, 12);
    expect(maxRelativeError([0, -2], [0.5, -4])).toBeCloseTo(0.5, 12);
  });
  it('is 0 for equal arrays and rejects mismatched lengths', () => {
    expect(maxRelativeError([1, 2], [1, 2])).toBe(0);
    expect(() => maxRelativeError([1], [1, 2])).toThrow(RangeError);
  });
  it('reports NaN when an output is NaN', () => {
    expect(maxRelativeError([Number.NaN], [1])).toBeNaN();
  });
});
