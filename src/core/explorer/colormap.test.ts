import { describe, expect, it } from 'vitest';
import { colorIndex, colorize, colormapGradient, colormapTable } from './colormap';

describe('colour maps', () => {
  it('runs viridis from dark purple to yellow', () => {
    const t = colormapTable('viridis');
    expect(Array.from(t.slice(0, 3))).toEqual([68, 1, 84]);
    expect(Array.from(t.slice(255 * 3))).toEqual([253, 231, 37]);
  });
  it('runs the diverging map blue → white → red', () => {
    const t = colormapTable('diverging');
    const [r0, , b0] = t.slice(0, 3);
    const [r1, , b1] = t.slice(255 * 3);
    expect(b0!).toBeGreaterThan(r0!);
    expect(r1!).toBeGreaterThan(b1!);
    const mid = Array.from(t.slice(128 * 3, 128 * 3 + 3));
    for (const v of mid) expect(v).toBeGreaterThan(230);
  });
  it('places values on the range, clamped', () => {
    expect(colorIndex(0, 0, 1)).toBe(0);
    expect(colorIndex(1, 0, 1)).toBe(255);
    expect(colorIndex(0.5, 0, 1)).toBe(128);
    expect(colorIndex(-3, 0, 1)).toBe(0);
    expect(colorIndex(9, 0, 1)).toBe(255);
    expect(colorIndex(NaN, 0, 1)).toBe(0);
    expect(colorIndex(5, 2, 2)).toBe(128);
  });
  it('colours pixels with alpha', () => {
    const px = colorize([0, 1], 0, 2, 0, 1, 'viridis', 200);
    expect(Array.from(px)).toEqual([68, 1, 84, 200, 253, 231, 37, 200]);
    expect(colormapGradient('viridis', 2)).toBe(
      'linear-gradient(to right, rgb(68, 1, 84), rgb(253, 231, 37))',
    );
  });
});
