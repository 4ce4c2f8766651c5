import { describe, expect, it } from 'vitest';
import { prepareImage, scalePixel } from '../image/prepare';
import { isGrey, rgbaToPlanes, storedToInput } from './pixels';

describe('stored pixels', () => {
  const rgba = Uint8Array.from([255, 0, 0, 255, 10, 20, 30, 255, 0, 0, 0, 255, 9, 9, 9, 255]);

  it('converts RGBA to grey (BT.601) or RGB planes', () => {
    expect(Array.from(rgbaToPlanes(rgba, 1))).toEqual([76, 18, 0, 9]);
    expect(Array.from(rgbaToPlanes(rgba, 3))).toEqual([255, 10, 0, 9, 0, 20, 0, 9, 0, 30, 0, 9]);
    expect(isGrey(rgbaToPlanes(rgba, 3), 3)).toBe(false);
    expect(isGrey(Uint8Array.from([1, 2, 1, 2, 1, 2]), 3)).toBe(true);
  });

  it('scales a stored image of the model size exactly as prepareImage does', () => {
    const grey = Uint8Array.from({ length: 16 }, (_, i) => i * 16);
    const x = storedToInput(grey, { size: 4, channels: 1 }, { size: 4, channels: 1 });
    const ref = prepareImage(
      { width: 4, height: 4, channels: 1, data: grey },
      { size: 4, channels: 1 },
    );
    expect(Array.from(x)).toEqual(Array.from(ref));
    const rgb = storedToInput(grey, { size: 4, channels: 1 }, { size: 4, channels: 3 });
    expect(rgb[16 + 5]).toBe(scalePixel(80));
  });

  it('resamples to another size through prepareImage', () => {
    const planes = new Uint8Array(3 * 16).fill(200);
    const x = storedToInput(planes, { size: 4, channels: 3 }, { size: 2, channels: 1 });
    expect(x).toHaveLength(4);
    for (const v of x) expect(v).toBeCloseTo(scalePixel(200), 5);
    expect(() =>
      storedToInput(planes, { size: 5, channels: 3 }, { size: 2, channels: 1 }),
    ).toThrow();
  });
});
