import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { checkWarp, pck, probePoints, unwarpPoint, warpImage, warpPoint } from './warp';

describe('warpImage', () => {
  it('a whole-pixel shift copies the image and fills what came from outside', () => {
    const r = mulberry32(1);
    const [C, H, W] = [2, 6, 7];
    const img = Float32Array.from({ length: C * H * W }, () => r());
    const out = warpImage(img, [C, H, W], { dx: 2, dy: -1, scale: 1, rotate: 0 }, -1);
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const sx = x - 2;
          const sy = y + 1;
          const want = sx >= 0 && sy < H ? img[(c * H + sy) * W + sx] : -1;
          expect(out[(c * H + y) * W + x]).toBe(want);
        }
  });

  it('a 90° rotation of a square image moves pixels as the rotation matrix says', () => {
    const S = 5;
    const img = Float32Array.from({ length: S * S }, (_, i) => i);
    const out = warpImage(img, [1, S, S], { dx: 0, dy: 0, scale: 1, rotate: 90 }, 0);
    // Clockwise on screen (y down): source (x, y) lands at (S-1-y, x).
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) expect(out[x * S + (S - 1 - y)]).toBeCloseTo(img[y * S + x]!, 9);
  });

  it('refuses a scale that is not positive', () => {
    expect(() => checkWarp({ dx: 0, dy: 0, scale: 0, rotate: 0 })).toThrow(RangeError);
  });
});

describe('warpPoint', () => {
  it('unwarpPoint inverts it', () => {
    const w = { dx: 1.5, dy: -2, scale: 0.8, rotate: 17 };
    const [x, y] = warpPoint(w, 3, 11, 32, 32);
    const [bx, by] = unwarpPoint(w, x, y, 32, 32);
    expect(bx).toBeCloseTo(3, 9);
    expect(by).toBeCloseTo(11, 9);
  });

  it('scales about the centre', () => {
    expect(warpPoint({ dx: 0, dy: 0, scale: 2, rotate: 0 }, 0, 0, 5, 5)).toEqual([-2, -2]);
  });
});

describe('pck', () => {
  it('counts matches within α·size', () => {
    const truth = [
      [10, 10],
      [5, 5],
      [0, 0],
      [20, 20],
    ] as const;
    const pred = [
      [13, 10], // 3 ≤ 3.2
      [7, 8], // √13 > 3.2
      [0, 0],
      [22, 22], // √8 ≤ 3.2
    ] as const;
    expect(pck(pred, truth, 32)).toBe(0.75);
    expect(pck([], [], 32)).toBeNaN();
  });
});

describe('probePoints', () => {
  it('keeps grid points on the object whose warped position stays inside', () => {
    const S = 8;
    const img = new Float32Array(S * S).fill(-1);
    for (let y = 2; y < 6; y++) for (let x = 0; x < S; x++) img[y * S + x] = 1;
    const pts = probePoints(
      img,
      [1, S, S],
      { dx: 3, dy: 0, scale: 1, rotate: 0 },
      {
        n: 4,
        fill: -1,
        minContrast: 0.1,
      },
    );
    // Grid x, y ∈ {1, 3, 5, 7}; rows 3 and 5 are on the object; x + 3 ≤ 7 keeps x = 1, 3.
    expect(pts).toEqual([
      [1, 3],
      [3, 3],
      [1, 5],
      [3, 5],
    ]);
  });
});
