import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { argmax2d, cosineMap, meanMaps, prepareTarget } from './similarity';
import { featureAt, upsampleBilinear } from './upsample';

function randomMap(seed: number, n: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/**
 * Reference upsampling written another way: a tent kernel over source cells, weight
 * max(0, 1 − |s − j|) at the clamped half-pixel source coordinate s (align_corners=False).
 */
function referenceUpsample(
  map: Float32Array,
  C: number,
  h: number,
  w: number,
  H: number,
  W: number,
) {
  const weights = (out: number, n: number) =>
    Array.from({ length: out }, (_, i) => {
      const s = Math.min(Math.max(((i + 0.5) * n) / out - 0.5, 0), n - 1);
      return Array.from({ length: n }, (_, j) => Math.max(0, 1 - Math.abs(s - j)));
    });
  const wy = weights(H, h);
  const wx = weights(W, w);
  const out: number[][][] = [];
  for (let c = 0; c < C; c++) {
    out.push([]);
    for (let Y = 0; Y < H; Y++) {
      out[c]!.push([]);
      for (let X = 0; X < W; X++) {
        let v = 0;
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) v += wy[Y]![y]! * wx[X]![x]! * map[(c * h + y) * w + x]!;
        out[c]![Y]!.push(v);
      }
    }
  }
  return out;
}

function referenceCosine(up: number[][][], src: number[], H: number, W: number): number[] {
  const res: number[] = [];
  for (let Y = 0; Y < H; Y++)
    for (let X = 0; X < W; X++) {
      const v = up.map((ch) => ch[Y]![X]!);
      const dot = v.reduce((a, x, i) => a + x * src[i]!, 0);
      const n = Math.hypot(...v) * Math.hypot(...src);
      res.push(n > 0 ? dot / n : 0);
    }
  return res;
}

describe('upsampleBilinear', () => {
  it('matches PyTorch F.interpolate(bilinear, align_corners=False) on a 2×2×3 map to 5×7', () => {
    // Values from torch 1.13: x = arange(12).reshape(1,2,2,3) ** 1.5, interpolated to (5, 7).
    const map = Float32Array.from({ length: 12 }, (_, i) => i ** 1.5);
    const up = upsampleBilinear(map, [2, 2, 3], 5, 7);
    const torchRow0 = [0, 0.142857, 0.571429, 1.0, 1.783612, 2.567223, 2.828427];
    const torchCh1Row2 = [
      20.848469, 21.451763, 23.261639, 25.071518, 26.993073, 28.914627, 29.555145,
    ];
    torchRow0.forEach((v, i) => expect(up[i]).toBeCloseTo(v, 5));
    torchCh1Row2.forEach((v, i) => expect(up[35 + 2 * 7 + i]).toBeCloseTo(v, 4));
  });

  it('agrees with a tent-kernel reference on random maps of several shapes', () => {
    for (const [C, h, w, H, W] of [
      [3, 4, 4, 32, 32],
      [2, 8, 5, 17, 9],
      [1, 1, 1, 4, 4],
      [4, 16, 16, 16, 16],
    ] as const) {
      const map = randomMap(C * 100 + h, C * h * w);
      const up = upsampleBilinear(map, [C, h, w], H, W);
      const ref = referenceUpsample(map, C, h, w, H, W);
      for (let c = 0; c < C; c++)
        for (let Y = 0; Y < H; Y++)
          for (let X = 0; X < W; X++)
            expect(up[(c * H + Y) * W + X]).toBeCloseTo(ref[c]![Y]![X]!, 5);
    }
  });

  it('featureAt is the upsampled map at one pixel', () => {
    const map = randomMap(7, 5 * 8 * 8);
    const up = upsampleBilinear(map, [5, 8, 8], 32, 32);
    for (const [x, y] of [
      [0, 0],
      [31, 31],
      [13, 6],
      [2, 29],
    ] as const) {
      const v = featureAt(map, [5, 8, 8], 32, 32, x, y);
      for (let c = 0; c < 5; c++) expect(v[c]).toBeCloseTo(up[(c * 32 + y) * 32 + x]!, 6);
    }
    expect(() => featureAt(map, [5, 8, 8], 32, 32, 32, 0)).toThrow(RangeError);
  });
});

describe('cosineMap', () => {
  it('equals the cosine against the fully upsampled target (reference), for every pixel', () => {
    for (const [C, h, w, H, W] of [
      [6, 8, 8, 32, 32],
      [3, 5, 7, 20, 13],
      [4, 32, 32, 32, 32],
      [2, 1, 3, 6, 6],
    ] as const) {
      const src = randomMap(C + h, C * h * w);
      const tgt = randomMap(C + w + 1000, C * h * w);
      const probe = featureAt(src, [C, h, w], H, W, Math.floor(W / 3), Math.floor(H / 2));
      const got = cosineMap(probe, prepareTarget(tgt, [C, h, w], H, W));
      const ref = referenceCosine(referenceUpsample(tgt, C, h, w, H, W), [...probe], H, W);
      expect(got.length).toBe(H * W);
      ref.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    }
  });

  it('finds a point in its own map: cosine 1 at the probe, the argmax there', () => {
    const map = randomMap(3, 8 * 8 * 8);
    const t = prepareTarget(map, [8, 8, 8], 32, 32);
    for (const [x, y] of [
      [10, 12],
      [21, 5],
      [17, 26],
    ] as const) {
      const sim = cosineMap(featureAt(map, [8, 8, 8], 32, 32, x, y), t);
      expect(sim[y * 32 + x]).toBeCloseTo(1, 6);
      expect(argmax2d(sim, 32)).toMatchObject({ x, y });
    }
  });

  it('gives 0 where a vector is zero, never NaN', () => {
    const map = new Float32Array(2 * 2 * 2);
    const sim = cosineMap(Float32Array.from([1, 0]), prepareTarget(map, [2, 2, 2], 4, 4));
    expect([...sim]).toEqual(new Array(16).fill(0));
  });
});

describe('argmax2d', () => {
  it('agrees with a sort-based reference and takes the first of equal maxima', () => {
    const r = mulberry32(11);
    for (let k = 0; k < 20; k++) {
      const W = 3 + Math.floor(r() * 10);
      const vals = Array.from({ length: W * (2 + Math.floor(r() * 6)) }, () => Math.round(r() * 8));
      const order = vals.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      const [v, i] = order[0]!;
      expect(argmax2d(vals, W)).toEqual({ x: i % W, y: Math.floor(i / W), value: v });
    }
  });
});

describe('meanMaps', () => {
  it('averages element-wise', () => {
    expect([...meanMaps([Float32Array.from([1, 2]), Float32Array.from([3, 6])])]).toEqual([2, 4]);
    expect(() => meanMaps([])).toThrow(RangeError);
  });
});
