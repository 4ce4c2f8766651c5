/**
 * An image's width and height from the first bytes of its file (PNG, JPEG, GIF, BMP, WebP),
 * without decoding it: a huge image is then decoded straight to a small size.
 */
export interface ImageSize {
  width: number;
  height: number;
}

/** How many leading bytes `imageSize` needs at most for PNG, GIF, BMP and WebP. */
export const HEADER_BYTES = 64;

function jpegSize(b: Uint8Array, v: DataView): ImageSize | null {
  let p = 2;
  while (p + 9 < b.length) {
    if (b[p] !== 0xff) return null;
    const marker = b[p + 1]!;
    if (marker === 0xff) {
      p += 1;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    const len = v.getUint16(p + 2);
    const isSof =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: v.getUint16(p + 5), width: v.getUint16(p + 7) };
    p += 2 + len;
  }
  return null;
}

/** The size, or null when the format is not recognised (or the bytes are cut short). */
export function imageSize(b: Uint8Array): ImageSize | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ascii = (at: number, n: number): string =>
    b.length >= at + n ? String.fromCharCode(...b.subarray(at, at + n)) : '';
  if (b.length >= 24 && b[0] === 0x89 && ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR') {
    return { width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegSize(b, v);
  if (b.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) {
    return { width: v.getUint16(6, true), height: v.getUint16(8, true) };
  }
  if (b.length >= 26 && ascii(0, 2) === 'BM') {
    return { width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)) };
  }
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const kind = ascii(12, 4);
    if (kind === 'VP8 ') {
      return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
    }
    if (kind === 'VP8L') {
      const bits = v.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (kind === 'VP8X') {
      const w = b[24]! | (b[25]! << 8) | (b[26]! << 16);
      const h = b[27]! | (b[28]! << 8) | (b[29]! << 16);
      return { width: w + 1, height: h + 1 };
    }
  }
  return null;
}
