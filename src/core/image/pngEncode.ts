/** Writing PNG files (the other half of png.ts): chunks with their CRC, zlib-compressed rows. */
import { zlibSync } from 'fflate';
import type { PngHeader } from './png';

/** The 8 bytes every PNG file starts with. */
export const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The parts joined into one array (the one part itself when there is one). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG and zip use it). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * A PNG file from already filtered scanlines (each row: filter byte, then the row's bytes), with
 * optional extra chunks (e.g. PLTE, tRNS) placed before IDAT. For tests and fixtures.
 */
export function assemblePng(
  header: PngHeader,
  scanlines: Uint8Array,
  extra: readonly { type: string; data: Uint8Array }[] = [],
): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, header.width);
  view.setUint32(4, header.height);
  ihdr[8] = header.bitDepth;
  ihdr[9] = header.colorType;
  ihdr[12] = header.interlace ?? 0;
  return concat([
    Uint8Array.from(SIGNATURE),
    chunk('IHDR', ihdr),
    ...extra.map((c) => chunk(c.type, c.data)),
    chunk('IDAT', zlibSync(scanlines)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Encodes 8-bit pixels (row-major, interleaved: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA channels)
 * as a PNG with filter 0 on every row.
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4 = 1,
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`invalid image size ${width}×${height}`);
  }
  const rowBytes = width * channels;
  if (pixels.length !== rowBytes * height) {
    throw new RangeError(
      `${pixels.length} bytes do not make a ${width}×${height} image with ${channels} channels`,
    );
  }
  const lines = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    lines.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  const colorType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as const)[channels];
  return assemblePng({ width, height, bitDepth: 8, colorType }, lines);
}
