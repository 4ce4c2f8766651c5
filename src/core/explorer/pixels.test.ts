import { describe, expect, it } from 'vitest';
import { imageToRgba, toByte } from './pixels';

describe('images to pixels', () => {
  it('maps [−1, 1] to 0..255, clamped', () => {
    expect(toByte(-1, -1, 1)).toBe(0);
    expect(toByte(1, -1, 1)).toBe(255);
    expect(toByte(0, -1, 1)).toBe(128);
    expect(toByte(3, -1, 1)).toBe(255);
  });
  it('repeats grey and keeps RGB planes apart', () => {
    expect(Array.from(imageToRgba([-1, 1], 1, 1, 2))).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    expect(Array.from(imageToRgba([1, -1, -1], 3, 1, 1))).toEqual([255, 0, 0, 255]);
    expect(() => imageToRgba([1, 2, 3], 1, 2, 2)).toThrow(RangeError);
  });
});
