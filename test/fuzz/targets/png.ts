/** The PNG decoder: mutated PNGs of every colour type, and encoded images round-tripped. */
import fc from 'fast-check';
import {
  assemblePng,
  decodePng,
  encodePng,
  ImageDecodeError,
  type DecodedImage,
} from '../../../src/core/image/png';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';
import { mutatedBytes } from '../mutate';

function ramp(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
}

/** Filter-0 scanlines of `rows` rows of `rowBytes` bytes. */
function lines(rows: number, rowBytes: number): Uint8Array {
  const out = new Uint8Array(rows * (rowBytes + 1));
  for (let y = 0; y < rows; y++) out.set(ramp(rowBytes), y * (rowBytes + 1) + 1);
  return out;
}

function bases(): Uint8Array[] {
  return [
    encodePng(ramp(8 * 8), 8, 8, 1),
    encodePng(ramp(6 * 5 * 3), 6, 5, 3),
    encodePng(ramp(4 * 4 * 4), 4, 4, 4),
    // 2-bit palette with tRNS, 16-bit grey, 1-bit grey.
    assemblePng({ width: 8, height: 4, bitDepth: 2, colorType: 3 }, lines(4, 2), [
      { type: 'PLTE', data: ramp(12) },
      { type: 'tRNS', data: ramp(4) },
    ]),
    assemblePng({ width: 5, height: 3, bitDepth: 16, colorType: 0 }, lines(3, 10)),
    assemblePng({ width: 9, height: 2, bitDepth: 1, colorType: 0 }, lines(2, 2)),
  ];
}

function validImage(img: DecodedImage): void {
  ensure(img.width >= 1 && img.height >= 1, 'an empty image');
  ensure([1, 2, 3, 4].includes(img.channels), `${img.channels} channels`);
  ensure(img.data.length === img.width * img.height * img.channels, 'pixels and size disagree');
}

export const pngBytes: FuzzTarget<Uint8Array> = {
  name: 'png',
  arbitrary: fc.constant(null).chain(() => mutatedBytes(bases())),
  async check(bytes) {
    const img = await parsedOrRefused(() => decodePng(bytes), ImageDecodeError);
    if (img) validImage(img);
  },
};

interface Raw {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  seed: number;
}

export const pngRoundTrip: FuzzTarget<Raw> = {
  name: 'png-roundtrip',
  arbitrary: fc.record({
    width: fc.integer({ min: 1, max: 40 }),
    height: fc.integer({ min: 1, max: 40 }),
    channels: fc.constantFrom(1, 2, 3, 4),
    seed: fc.nat(),
  }),
  check({ width, height, channels, seed }) {
    const pixels = Uint8Array.from(
      { length: width * height * channels },
      (_, i) => (i * seed) >>> 3,
    );
    const img = decodePng(encodePng(pixels, width, height, channels));
    validImage(img);
    ensure(
      img.width === width && img.height === height && img.channels === channels,
      'size changed',
    );
    ensure(
      img.data.every((v, i) => v === pixels[i]),
      'pixels changed',
    );
  },
};
