import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync, unzipSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  assemblePng,
  crc32,
  decodePng,
  encodePng,
  ImageDecodeError,
  paeth,
  type PngHeader,
} from './png';

const DEMO_ZIP = new URL('../../../public/datasets/fashion-mnist-demo.zip', import.meta.url);
const DEMO_JSON = new URL('../../../public/datasets/fashion-mnist-demo.json', import.meta.url);
const FMNIST_TEST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
const FMNIST_LABELS = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Filters one row by hand (the encoder side of the PNG filters). */
function filterRow(type: number, cur: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(cur.length + 1);
  out[0] = type;
  for (let i = 0; i < cur.length; i++) {
    const a = i >= bpp ? cur[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type]!;
    out[i + 1] = (cur[i]! - pred) & 0xff;
  }
  return out;
}

/** Scanlines of `rows` (each `stride` bytes) with filter `types[y % types.length]` on row y. */
function filtered(data: Uint8Array, stride: number, bpp: number, types: number[]): Uint8Array {
  const h = data.length / stride;
  const out = new Uint8Array(h * (stride + 1));
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < h; y++) {
    const cur = data.subarray(y * stride, (y + 1) * stride);
    out.set(filterRow(types[y % types.length]!, cur, prev, bpp), y * (stride + 1));
    prev = cur;
  }
  return out;
}

function decodeError(data: Uint8Array): string {
  try {
    decodePng(data);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageDecodeError);
    return (e as Error).message;
  }
  throw new Error('decoded without an error');
}

describe('encodePng / decodePng round trip', () => {
  it.each([1, 2, 3, 4] as const)('%i channel(s)', (channels) => {
    const w = 13;
    const h = 7;
    const px = bytes(w * h * channels, channels);
    const img = decodePng(encodePng(px, w, h, channels));
    expect(img).toEqual({ width: w, height: h, channels, data: px });
  });

  it('writes valid CRCs (CRC-32 of "123456789" is cbf43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
    const png = encodePng(new Uint8Array([0, 255]), 2, 1, 1);
    // IHDR chunk: length at 8, type + data 12..29, CRC 29..33.
    const crc = new DataView(png.buffer).getUint32(29);
    expect(crc).toBe(crc32(png.subarray(12, 29)));
  });

  it('rejects pixel arrays of the wrong length', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(RangeError);
  });
});

describe('filters', () => {
  it('paeth picks the nearest of a, b, c (ties: a, then b)', () => {
    expect(paeth(10, 20, 10)).toBe(20); // p = 20: b exact
    expect(paeth(20, 10, 10)).toBe(20); // p = 20: a exact
    expect(paeth(5, 5, 5)).toBe(5);
    expect(paeth(100, 0, 50)).toBe(50); // p = 50: c exact
  });

  it.each([
    ['grey 8-bit', 0, 8, 1, 1],
    ['RGB 8-bit', 2, 8, 3, 3],
    ['RGBA 8-bit', 6, 8, 4, 4],
  ] as const)('every filter type decodes: %s', (_name, colorType, bitDepth, channels, bpp) => {
    const w = 9;
    const h = 10;
    const px = bytes(w * h * channels, 7 + channels);
    for (const types of [[0], [1], [2], [3], [4], [0, 1, 2, 3, 4], [4, 3, 2, 1, 0]]) {
      const png = assemblePng(
        { width: w, height: h, bitDepth, colorType },
        filtered(px, w * channels, bpp, types),
      );
      expect(decodePng(png).data, `filters ${types.join(',')}`).toEqual(px);
    }
  });

  it('filters at 16 bits work on bytes (bpp 2 for grey, 6 for RGB) and keep the high byte', () => {
    const w = 5;
    const h = 6;
    for (const [colorType, spp] of [
      [0, 1],
      [2, 3],
    ] as const) {
      const raw = bytes(w * h * spp * 2, 3);
      const png = assemblePng(
        { width: w, height: h, bitDepth: 16, colorType },
        filtered(raw, w * spp * 2, spp * 2, [0, 1, 2, 3, 4]),
      );
      const img = decodePng(png);
      expect(img.channels).toBe(spp);
      expect(img.data).toEqual(raw.filter((_, i) => i % 2 === 0));
    }
  });
});

describe('bit depths, palettes and transparency', () => {
  it('unpacks 1/2/4-bit greyscale and scales to 0..255', () => {
    // One row of 5 pixels.
    const cases: [1 | 2 | 4, number[], number[]][] = [
      [1, [0b10110000], [255, 0, 255, 255, 0]],
      [2, [0b00011011, 0b11000000], [0, 85, 170, 255, 255]],
      [4, [0x0f, 0x8a, 0x10], [0, 255, 136, 170, 17]],
    ];
    for (const [depth, row, expected] of cases) {
      const png = assemblePng(
        { width: 5, height: 1, bitDepth: depth, colorType: 0 },
        Uint8Array.from([0, ...row]),
      );
      expect(decodePng(png), `depth ${depth}`).toEqual({
        width: 5,
        height: 1,
        channels: 1,
        data: Uint8Array.from(expected),
      });
    }
  });

  it('sub-byte rows are padded to whole bytes, and the Sub filter uses bpp 1', () => {
    // 3×2 at 2 bits: 6 bits per row → 1 byte; row 2 uses Up (filter 2) on top of row 1.
    const png = assemblePng(
      { width: 3, height: 2, bitDepth: 2, colorType: 0 },
      Uint8Array.from([0, 0b01101100, 2, 0b01000000]),
    );
    // Row 2 = 0b01101100 + 0b01000000 = 0b10101100.
    expect([...decodePng(png).data]).toEqual([85, 170, 255, 170, 170, 255]);
  });

  it('decodes palette images (1/2/4/8 bits), with tRNS alpha', () => {
    const plte = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const idx = [3, 0, 1, 2]; // one row of 4 pixels
    const rows: Record<number, number[]> = {
      2: [0b11000110],
      4: [0x30, 0x12],
      8: idx,
    };
    for (const depth of [2, 4, 8] as const) {
      const header: PngHeader = { width: 4, height: 1, bitDepth: depth, colorType: 3 };
      const scan = Uint8Array.from([0, ...rows[depth]!]);
      const rgb = decodePng(assemblePng(header, scan, [{ type: 'PLTE', data: plte }]));
      expect(rgb.channels).toBe(3);
      expect([...rgb.data]).toEqual(idx.flatMap((i) => [...plte.subarray(3 * i, 3 * i + 3)]));
      const rgba = decodePng(
        assemblePng(header, scan, [
          { type: 'PLTE', data: plte },
          { type: 'tRNS', data: Uint8Array.from([0, 128]) }, // entries 2, 3 stay opaque
        ]),
      );
      expect(rgba.channels).toBe(4);
      expect([...rgba.data]).toEqual([
        10, 20, 30, 255, 255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255,
      ]);
    }
    const oneBit = decodePng(
      assemblePng(
        { width: 3, height: 1, bitDepth: 1, colorType: 3 },
        Uint8Array.from([0, 0b10100000]),
        [{ type: 'PLTE', data: plte.subarray(0, 6) }],
      ),
    );
    expect([...oneBit.data]).toEqual([0, 255, 0, 255, 0, 0, 0, 255, 0]);
  });

  it('turns a grey or RGB colour key (tRNS) into an alpha channel', () => {
    const grey = decodePng(
      assemblePng(
        { width: 3, height: 1, bitDepth: 8, colorType: 0 },
        Uint8Array.from([0, 7, 8, 7]),
        [{ type: 'tRNS', data: Uint8Array.from([0, 7]) }],
      ),
    );
    expect(grey.channels).toBe(2);
    expect([...grey.data]).toEqual([7, 0, 8, 255, 7, 0]);
    const rgb = decodePng(
      assemblePng(
        { width: 2, height: 1, bitDepth: 8, colorType: 2 },
        Uint8Array.from([0, 1, 2, 3, 1, 2, 4]),
        [{ type: 'tRNS', data: Uint8Array.from([0, 1, 0, 2, 0, 3]) }],
      ),
    );
    expect(rgb.channels).toBe(4);
    expect([...rgb.data]).toEqual([1, 2, 3, 0, 1, 2, 4, 255]);
  });

  it('grey + alpha and RGBA at 16 bits keep the high bytes', () => {
    const raw = Uint8Array.from([0x12, 0x34, 0xff, 0x00]);
    const img = decodePng(
      assemblePng(
        { width: 1, height: 1, bitDepth: 16, colorType: 4 },
        Uint8Array.from([0, ...raw]),
      ),
    );
    expect(img).toEqual({ width: 1, height: 1, channels: 2, data: Uint8Array.from([0x12, 0xff]) });
  });

  it('skips ancillary chunks it does not know and ignores CRCs', () => {
    const png = encodePng(Uint8Array.from([1, 2, 3, 4]), 2, 2, 1);
    // Corrupt every CRC byte of IDAT's chunk: still decodes.
    const copy = png.slice();
    const idatLen = new DataView(copy.buffer).getUint32(33);
    copy.fill(0, 33 + 8 + idatLen, 33 + 12 + idatLen);
    expect([...decodePng(copy).data]).toEqual([1, 2, 3, 4]);
    const withText = assemblePng(
      { width: 2, height: 2, bitDepth: 8, colorType: 0 },
      Uint8Array.from([0, 1, 2, 0, 3, 4]),
      [{ type: 'tEXt', data: new TextEncoder().encode('Comment\0hello') }],
    );
    expect([...decodePng(withText).data]).toEqual([1, 2, 3, 4]);
  });
});

describe('the demo dataset', () => {
  const zip = unzipSync(new Uint8Array(readFileSync(DEMO_ZIP)));
  const meta = JSON.parse(readFileSync(DEMO_JSON, 'utf8')) as { classes: string[] };
  const pngs = Object.keys(zip).filter((n) => n.endsWith('.png'));

  it('decodes every PNG as 28×28 greyscale with plausible pixels', () => {
    expect(pngs.length).toBe(3000);
    let sum = 0;
    for (const name of pngs) {
      const img = decodePng(zip[name]!);
      expect(img.width).toBe(28);
      expect(img.height).toBe(28);
      expect(img.channels).toBe(1);
      expect(img.data.length).toBe(784);
      for (const v of img.data) sum += v;
    }
    // Fashion-MNIST: white garments on black, mean pixel ≈ 72.9 (train) / 73.1 (test).
    const mean = sum / (pngs.length * 784);
    expect(mean).toBeGreaterThan(60);
    expect(mean).toBeLessThan(90);
  });

  it.skipIf(!existsSync(FMNIST_TEST))(
    'gives exactly the Fashion-MNIST test pixels (the first test PNG of every class)',
    () => {
      const idx = gunzipSync(new Uint8Array(readFileSync(FMNIST_TEST)));
      const labels = gunzipSync(new Uint8Array(readFileSync(FMNIST_LABELS)));
      const count = new DataView(idx.buffer, idx.byteOffset).getUint32(4);
      expect(count).toBe(10000);
      meta.classes.forEach((cls, label) => {
        const img = decodePng(zip[`test/${cls}/0.png`]!);
        let matches = 0;
        for (let i = 0; i < count; i++) {
          if (labels[8 + i] !== label) continue;
          const ref = idx.subarray(16 + i * 784, 16 + (i + 1) * 784);
          if (ref.every((v, k) => v === img.data[k])) matches++;
        }
        expect(matches, cls).toBeGreaterThanOrEqual(1);
      });
    },
  );
});

describe('errors', () => {
  const good = encodePng(bytes(16 * 16, 5), 16, 16, 1);
  const idatAt = 33; // signature 8 + IHDR chunk 25

  it('says what non-PNG bytes are', () => {
    expect(decodeError(new Uint8Array(0))).toMatch(/empty/);
    expect(
      decodeError(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49])),
    ).toMatch(/not a PNG file \(it looks like a JPEG image\)/);
    expect(decodeError(new TextEncoder().encode('GIF89a........'))).toMatch(/GIF/);
    expect(decodeError(new TextEncoder().encode('<!doctype html><html>'))).toMatch(/HTML/);
    expect(decodeError(bytes(100, 9))).toMatch(/not a PNG file \(no PNG signature\)/);
  });

  it('reports truncated files at every cut', () => {
    for (const cut of [4, 8, 12, 20, 30, idatAt + 4, idatAt + 20, good.length - 20]) {
      expect(decodeError(good.subarray(0, cut)), `cut at ${cut}`).toMatch(/truncated/);
    }
    // All image data there, only the final CRC or the whole IEND missing: it decodes.
    expect(decodePng(good.subarray(0, good.length - 4)).width).toBe(16);
    expect(decodePng(good.subarray(0, good.length - 12)).width).toBe(16);
  });

  it('reports unsupported features clearly', () => {
    const scan = new Uint8Array(2 * 3);
    expect(
      decodeError(
        assemblePng({ width: 2, height: 2, bitDepth: 8, colorType: 0, interlace: 1 }, scan),
      ),
    ).toMatch(/interlaced \(Adam7\)/);
    expect(
      decodeError(assemblePng({ width: 2, height: 2, bitDepth: 4, colorType: 2 }, scan)),
    ).toMatch(/bit depth 4 is not allowed for RGB/);
    expect(
      decodeError(assemblePng({ width: 2, height: 2, bitDepth: 8, colorType: 5 as 0 }, scan)),
    ).toMatch(/unknown colour type 5/);
    expect(
      decodeError(
        assemblePng({ width: 2, height: 2, bitDepth: 8, colorType: 0 }, scan, [
          { type: 'ABCD', data: new Uint8Array(1) },
        ]),
      ),
    ).toMatch(/unknown critical chunk ABCD/);
  });

  it('reports corrupt image data', () => {
    const header: PngHeader = { width: 2, height: 2, bitDepth: 8, colorType: 0 };
    expect(decodeError(assemblePng(header, Uint8Array.from([0, 1, 2, 7, 3, 4])))).toMatch(
      /unknown filter type 7 on row 1/,
    );
    expect(decodeError(assemblePng(header, Uint8Array.from([0, 1, 2])))).toMatch(
      /3 bytes of image data, a 2×2 greyscale image needs 6/,
    );
    expect(decodeError(assemblePng({ ...header, colorType: 3 }, new Uint8Array(6)))).toMatch(
      /without a PLTE/,
    );
    expect(
      decodeError(
        assemblePng({ ...header, colorType: 3 }, Uint8Array.from([0, 0, 5, 0, 0, 0]), [
          { type: 'PLTE', data: new Uint8Array(6) },
        ]),
      ),
    ).toMatch(/palette index 5 at \(1, 0\)/);
    // IDAT whose zlib stream is garbage.
    const bad = good.slice();
    bad.fill(0x55, idatAt + 8, idatAt + 14);
    expect(decodeError(bad)).toMatch(/corrupt PNG: the image data does not inflate/);
    // A first chunk that is not IHDR.
    const noHeader = good.slice();
    noHeader.set([0x49, 0x44, 0x41, 0x54], 12);
    expect(decodeError(noHeader)).toMatch(/first chunk is IDAT, not IHDR/);
    // Zero size.
    expect(decodeError(assemblePng({ ...header, width: 0 }, new Uint8Array(0)))).toMatch(
      /invalid size 0×2/,
    );
    // No IDAT at all (the chunk cut out, IEND kept).
    const idatLen = new DataView(good.buffer).getUint32(idatAt);
    const noData = new Uint8Array([
      ...good.subarray(0, idatAt),
      ...good.subarray(idatAt + 12 + idatLen),
    ]);
    expect(decodeError(noData)).toMatch(/no image data \(IDAT\)/);
    // A zlib stream that ends early inside a complete chunk.
    const short = assemblePng(header, zlibSync(new Uint8Array(6)).subarray(0, 0));
    expect(decodeError(short)).toMatch(/corrupt PNG/);
  });
});
