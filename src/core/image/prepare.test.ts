import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../npy';
import { decodePng, encodePng } from './png';
import {
  areaResample,
  fitGeometry,
  prepareImage,
  scalePixel,
  toPlanes,
  type PixelImage,
} from './prepare';

const grey = (w: number, h: number, values: number[]): PixelImage => ({
  width: w,
  height: h,
  channels: 1,
  data: Uint8Array.from(values),
});

/** (v / 127.5) − 1 for a hand-computed pixel value. */
const s = (v: number): number => v / 127.5 - 1;

function expectClose(actual: Float32Array, expected: number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, digits));
}

describe('scaling', () => {
  it('maps 0 → −1, 255 → 1, 127.5 → 0, in float32 arithmetic', () => {
    expect(scalePixel(0)).toBe(-1);
    expect(scalePixel(255)).toBe(1);
    expect(scalePixel(127.5)).toBe(0);
    // float32(float32(51 / 127.5) − 1), as NumPy computes it on a float32 array.
    expect(scalePixel(51)).toBe(Math.fround(Math.fround(0.4) - 1));
  });
});

describe('channels', () => {
  it('RGB → grey by BT.601 luma (0.299, 0.587, 0.114)', () => {
    const img: PixelImage = {
      width: 4,
      height: 1,
      channels: 3,
      data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]),
    };
    const p = toPlanes(img, 1);
    expect(p[0]).toBeCloseTo(76.245, 10);
    expect(p[1]).toBeCloseTo(149.685, 10);
    expect(p[2]).toBeCloseTo(29.07, 10);
    expect(p[3]).toBeCloseTo(2.99 + 11.74 + 3.42, 10);
  });

  it('grey → RGB repeats; RGB stays planar', () => {
    expect([...toPlanes(grey(2, 1, [7, 9]), 3)]).toEqual([7, 9, 7, 9, 7, 9]);
    const rgb: PixelImage = {
      width: 2,
      height: 1,
      channels: 3,
      data: Uint8Array.from([1, 2, 3, 4, 5, 6]),
    };
    expect([...toPlanes(rgb, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('composites alpha over black', () => {
    const ga: PixelImage = {
      width: 2,
      height: 1,
      channels: 2,
      data: Uint8Array.from([200, 0, 200, 51]),
    };
    expect([...toPlanes(ga, 1)]).toEqual([0, 40]);
    const rgba: PixelImage = {
      width: 1,
      height: 1,
      channels: 4,
      data: Uint8Array.from([200, 100, 50, 128]),
    };
    expect(toPlanes(rgba, 1)[0]).toBeCloseTo((59.8 + 58.7 + 5.7) * (128 / 255), 10);
    expect([...toPlanes(rgba, 3)].map((v) => v * (255 / 128))).toEqual([
      expect.closeTo(200, 10),
      expect.closeTo(100, 10),
      expect.closeTo(50, 10),
    ]);
  });
});

describe('fitting to S×S', () => {
  it('pads a 2×2 to 4×4, centred, with −1', () => {
    const out = prepareImage(grey(2, 2, [0, 51, 102, 255]), { size: 4, channels: 1 });
    // prettier-ignore
    expectClose(out, [
      -1, -1, -1, -1,
      -1, s(0), s(51), -1,
      -1, s(102), s(255), -1,
      -1, -1, -1, -1,
    ]);
  });

  it('puts the extra pixel of an odd margin right / below', () => {
    const out = prepareImage(grey(1, 2, [255, 255]), { size: 4, channels: 1 });
    // left = floor(3 / 2) = 1, top = floor(2 / 2) = 1
    // prettier-ignore
    expectClose(out, [
      -1, -1, -1, -1,
      -1, 1, -1, -1,
      -1, 1, -1, -1,
      -1, -1, -1, -1,
    ]);
  });

  it('pads 28×28 to 32×32: pixel (0, 0) lands at (2, 2)', () => {
    const values = Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
    const out = prepareImage(grey(28, 28, values), { size: 32, channels: 1 });
    expect(out.length).toBe(1024);
    expect(out[2 * 32 + 2]).toBe(scalePixel(values[0]!));
    expect(out[2 * 32 + 3]).toBe(scalePixel(values[1]!));
    expect(out[3 * 32 + 2]).toBe(scalePixel(values[28]!));
    expect(out[29 * 32 + 29]).toBe(scalePixel(values[783]!));
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        if (y < 2 || y >= 30 || x < 2 || x >= 30) expect(out[y * 32 + x]).toBe(-1);
      }
    }
  });

  it('averages 4×4 down to 2×2 (area resize)', () => {
    const out = prepareImage(
      grey(
        4,
        4,
        Array.from({ length: 16 }, (_, i) => i),
      ),
      { size: 2, channels: 1 },
    );
    // [0,1,4,5] → 2.5, [2,3,6,7] → 4.5, [8,9,12,13] → 10.5, [10,11,14,15] → 12.5
    expectClose(out, [s(2.5), s(4.5), s(10.5), s(12.5)]);
  });

  it('weights partial pixels by overlap (3×3 → 2×2)', () => {
    const v = [0, 30, 60, 90, 120, 150, 180, 210, 240];
    const out = prepareImage(grey(3, 3, v), { size: 2, channels: 1 });
    // Each target pixel covers 1.5 × 1.5 source pixels: weights 1, 0.5 per axis.
    const tl = (v[0]! * 1 + v[1]! * 0.5 + v[3]! * 0.5 + v[4]! * 0.25) / 2.25;
    const br = (v[4]! * 0.25 + v[5]! * 0.5 + v[7]! * 0.5 + v[8]! * 1) / 2.25;
    expect(out[0]).toBeCloseTo(s(tl), 6);
    expect(out[3]).toBeCloseTo(s(br), 6);
  });

  it("'crop' (default) takes the centred square of the shorter side", () => {
    // 6×4 → S = 2: the window is columns 1..4, every target pixel a 2×2 mean.
    const v = Array.from({ length: 24 }, (_, i) => i * 10);
    const out = prepareImage(grey(6, 4, v), { size: 2, channels: 1 });
    const at = (x: number, y: number): number => v[y * 6 + x]!;
    const mean = (x: number, y: number): number =>
      (at(x, y) + at(x + 1, y) + at(x, y + 1) + at(x + 1, y + 1)) / 4;
    expectClose(out, [s(mean(1, 0)), s(mean(3, 0)), s(mean(1, 2)), s(mean(3, 2))]);
    // 5×4 → S = 2: the window starts half a pixel in (x from 0.5 to 4.5).
    expect(fitGeometry(5, 4, 2)).toMatchObject({ x0: 0.5, x1: 4.5, y0: 0, y1: 4 });
    const odd = prepareImage(
      grey(
        5,
        4,
        [...Array(20).keys()].map((i) => i * 10),
      ),
      {
        size: 2,
        channels: 1,
      },
    );
    // Column weights of target 0: x0 ½, x1 1, x2 ½ (÷ 2); rows 0 and 1 equally.
    const row = (y: number): number => (0.5 * (y * 50) + (y * 50 + 10) + 0.5 * (y * 50 + 20)) / 2;
    expect(odd[0]).toBeCloseTo(s((row(0) + row(1)) / 2), 6);
  });

  it("'pad' fits the longer side and pads the rest with −1", () => {
    // 8×4 → S = 4: content 4×2 at top = 1, every target pixel a 2×2 mean.
    const v = Array.from({ length: 32 }, (_, i) => i * 5);
    const out = prepareImage(grey(8, 4, v), { size: 4, channels: 1, mode: 'pad' });
    const at = (x: number, y: number): number => v[y * 8 + x]!;
    const mean = (x: number, y: number): number =>
      (at(x, y) + at(x + 1, y) + at(x, y + 1) + at(x + 1, y + 1)) / 4;
    // prettier-ignore
    expectClose(out, [
      -1, -1, -1, -1,
      s(mean(0, 0)), s(mean(2, 0)), s(mean(4, 0)), s(mean(6, 0)),
      s(mean(0, 2)), s(mean(2, 2)), s(mean(4, 2)), s(mean(6, 2)),
      -1, -1, -1, -1,
    ]);
    expect(fitGeometry(100, 30, 32, 'pad')).toMatchObject({
      width: 32,
      height: 10,
      left: 0,
      top: 11,
    });
  });

  it('never resamples an image that fits, whatever the mode', () => {
    for (const mode of ['crop', 'pad'] as const) {
      expect(fitGeometry(28, 20, 32, mode)).toEqual({
        x0: 0,
        y0: 0,
        x1: 28,
        y1: 20,
        width: 28,
        height: 20,
        left: 2,
        top: 6,
      });
    }
  });

  it('upsamples the short side when only the long side is too big (crop)', () => {
    // 2×6 → S = 4: window rows 2..4 (the centred 2×2), each source pixel covers 2×2 targets.
    const v = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110];
    const out = prepareImage(grey(2, 6, v), { size: 4, channels: 1 });
    // prettier-ignore
    expectClose(out, [
      s(40), s(40), s(50), s(50),
      s(40), s(40), s(50), s(50),
      s(60), s(60), s(70), s(70),
      s(60), s(60), s(70), s(70),
    ]);
  });

  it('gives [C, S, S] for RGB models, planes in R, G, B order', () => {
    const img: PixelImage = {
      width: 1,
      height: 1,
      channels: 3,
      data: Uint8Array.from([255, 0, 51]),
    };
    expectClose(prepareImage(img, { size: 1, channels: 3 }), [1, -1, s(51)]);
  });

  it('areaResample keeps the mean of a constant image and checks its window', () => {
    const planes = new Float64Array(7 * 5).fill(42);
    const out = areaResample(planes, [1, 5, 7], { x0: 0.3, y0: 0.2, x1: 6.9, y1: 4.7 }, 3, 4);
    for (const v of out) expect(v).toBeCloseTo(42, 10);
    expect(() => areaResample(planes, [1, 5, 7], { x0: 0, y0: 0, x1: 8, y1: 5 }, 2, 2)).toThrow(
      RangeError,
    );
  });

  it('rejects bad sizes', () => {
    expect(() => prepareImage(grey(2, 2, [0, 0, 0, 0]), { size: 0, channels: 1 })).toThrow(
      RangeError,
    );
    expect(() => prepareImage(grey(2, 2, [0, 0, 0]), { size: 2, channels: 1 })).toThrow(RangeError);
  });
});

const FMNIST_TEST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
const X0 = new URL('../../../test/fixtures/parity/fmnist-adm-s/x0.npy', import.meta.url);
const INDEX = new URL('../../../test/fixtures/parity/fmnist-adm-s/index.json', import.meta.url);

describe('parity with tools/ (to_model_input)', () => {
  it.skipIf(!existsSync(FMNIST_TEST) || !existsSync(X0))(
    'PNG → decode → prepare gives the x0 fixture bit for bit',
    () => {
      const idx = gunzipSync(new Uint8Array(readFileSync(FMNIST_TEST)));
      const index = JSON.parse(readFileSync(INDEX, 'utf8')) as { images: { indices: number[] } };
      const x0 = parseNpy(new Uint8Array(readFileSync(X0)));
      expect(x0.shape).toEqual([8, 1, 32, 32]);
      index.images.indices.forEach((i, k) => {
        const pixels = idx.subarray(16 + i * 784, 16 + (i + 1) * 784);
        const img = decodePng(encodePng(pixels, 28, 28, 1));
        const mine = prepareImage(img, { size: 32, channels: 1 });
        expect(mine).toEqual(x0.data.subarray(k * 1024, (k + 1) * 1024));
      });
    },
  );
});
