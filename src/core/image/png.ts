/**
 * PNG decoding (and a minimal encoder) in pure TypeScript, for workers, the browser and Node.
 *
 * Decodes non-interlaced PNGs of every colour type (0 grey, 2 RGB, 3 palette, 4 grey + alpha,
 * 6 RGBA) at bit depth 8, grey and palette at 1/2/4 bits, and 16 bits (the high byte of each
 * sample is kept). All five scanline filters. tRNS transparency becomes an alpha channel (palette,
 * and the colour key of grey and RGB images). CRCs are not checked. Anything else (Adam7
 * interlacing, a truncated or corrupt file, another format) is an {@link ImageDecodeError} with a
 * message a user can act on. See the PNG specification (W3C, 3rd edition) for the format.
 */
import { unzlibSync } from 'fflate';
import { concat, SIGNATURE } from './pngEncode';

/** Why an image could not be decoded. */
export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** Decoded pixels: row-major, channels interleaved (grey, grey+alpha, RGB or RGBA), 8 bits. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

/** PNG colour types. */
export type PngColorType = 0 | 2 | 3 | 4 | 6;

/** The fields of IHDR that matter here. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  colorType: PngColorType;
  /** 0 none, 1 Adam7 (not decoded). */
  interlace?: 0 | 1;
}

/** Images larger than this many pixels are refused rather than allocated. */
export const MAX_PIXELS = 2 ** 28;
/** Deflate's largest possible expansion (258 bytes from about 2 bits). */
const MAX_DEFLATE_RATIO = 1032;

/** Samples per pixel of each colour type. */
const SAMPLES: Record<PngColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const ALLOWED_DEPTHS: Record<PngColorType, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

const COLOR_NAMES: Record<PngColorType, string> = {
  0: 'greyscale',
  2: 'RGB',
  3: 'palette',
  4: 'greyscale + alpha',
  6: 'RGBA',
};

/** A guess at what non-PNG bytes are, for the error message. */
function sniff(bytes: Uint8Array): string | undefined {
  const at = (i: number): number => bytes[i] ?? -1;
  const text = (start: number, s: string): boolean =>
    [...s].every((ch, i) => at(start + i) === ch.charCodeAt(0));
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'a JPEG image';
  if (text(0, 'GIF8')) return 'a GIF image';
  if (text(0, 'RIFF') && text(8, 'WEBP')) return 'a WebP image';
  if (text(0, 'BM')) return 'a BMP image';
  if (text(0, 'II*\0') || text(0, 'MM\0*')) return 'a TIFF image';
  if (text(4, 'ftyp')) return 'an AVIF/HEIF image';
  if (text(0, 'PK\x03\x04')) return 'a zip archive';
  if (text(0, '<')) return 'a text/HTML file';
  return undefined;
}

function chunkType(bytes: Uint8Array, pos: number): string {
  return String.fromCharCode(bytes[pos]!, bytes[pos + 1]!, bytes[pos + 2]!, bytes[pos + 3]!);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function readUint32(bytes: Uint8Array, pos: number): number {
  return (
    ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>> 0
  );
}

function parseHeader(data: Uint8Array): Required<PngHeader> {
  if (data.length !== 13) {
    throw new ImageDecodeError(`corrupt PNG: IHDR has ${data.length} bytes, not 13`);
  }
  const width = readUint32(data, 0);
  const height = readUint32(data, 4);
  const bitDepth = data[8]!;
  const colorType = data[9]!;
  const [compression, filter, interlace] = [data[10]!, data[11]!, data[12]!];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new ImageDecodeError(`corrupt PNG: invalid size ${width}×${height}`);
  }
  if (!(colorType in SAMPLES)) {
    throw new ImageDecodeError(`corrupt PNG: unknown colour type ${colorType}`);
  }
  const ct = colorType as PngColorType;
  if (!ALLOWED_DEPTHS[ct].includes(bitDepth)) {
    throw new ImageDecodeError(
      `corrupt PNG: bit depth ${bitDepth} is not allowed for ${COLOR_NAMES[ct]} images`,
    );
  }
  if (compression !== 0) {
    throw new ImageDecodeError(`unsupported PNG: compression method ${compression}`);
  }
  if (filter !== 0) throw new ImageDecodeError(`unsupported PNG: filter method ${filter}`);
  if (interlace === 1) {
    throw new ImageDecodeError(
      'unsupported PNG: interlaced (Adam7) images are not decoded; save it without interlacing',
    );
  }
  if (interlace !== 0) throw new ImageDecodeError(`corrupt PNG: interlace method ${interlace}`);
  if (width * height > MAX_PIXELS) {
    throw new ImageDecodeError(
      `PNG too large: ${width}×${height} is more than ${MAX_PIXELS} pixels`,
    );
  }
  return { width, height, bitDepth: bitDepth as PngHeader['bitDepth'], colorType: ct, interlace };
}

/** Reverses the scanline filters: `raw` holds (filter byte + `stride` bytes) per row. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  let prev = new Uint8Array(stride); // the row above the first is zeros
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1);
    const type = raw[src]!;
    const line = raw.subarray(src + 1, src + 1 + stride);
    const cur = out.subarray(y * stride, (y + 1) * stride);
    switch (type) {
      case 0:
        cur.set(line);
        break;
      case 1:
        for (let i = 0; i < stride; i++) {
          cur[i] = line[i]! + (i >= bpp ? cur[i - bpp]! : 0);
        }
        break;
      case 2:
        for (let i = 0; i < stride; i++) cur[i] = line[i]! + prev[i]!;
        break;
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? cur[i - bpp]! : 0;
          cur[i] = line[i]! + ((left + prev[i]!) >> 1);
        }
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? cur[i - bpp]! : 0;
          const b = prev[i]!;
          const c = i >= bpp ? prev[i - bpp]! : 0;
          cur[i] = line[i]! + paeth(a, b, c);
        }
        break;
      default:
        throw new ImageDecodeError(`corrupt PNG: unknown filter type ${type} on row ${y}`);
    }
    prev = cur;
  }
  return out;
}

/** The Paeth predictor. */
export function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Decodes PNG bytes into 8-bit interleaved pixels. */
export function decodePng(bytes: Uint8Array): DecodedImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    const what = sniff(bytes);
    if (bytes.length === 0) throw new ImageDecodeError('not a PNG file: the file is empty');
    if (bytes.length < 8 && SIGNATURE.slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
      throw new ImageDecodeError(`truncated PNG: the file ends after ${bytes.length} bytes`);
    }
    throw new ImageDecodeError(
      `not a PNG file${what ? ` (it looks like ${what})` : ' (no PNG signature)'}`,
    );
  }
  let header: Required<PngHeader> | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) {
      throw new ImageDecodeError(
        `truncated PNG: the file ends inside a chunk header at byte ${pos}`,
      );
    }
    const length = readUint32(bytes, pos);
    const typeBytes = bytes.subarray(pos + 4, pos + 8);
    if (!typeBytes.every(isLetter)) {
      throw new ImageDecodeError(`corrupt PNG: invalid chunk type at byte ${pos + 4}`);
    }
    const type = chunkType(bytes, pos + 4);
    if (length > 0x7fffffff) {
      throw new ImageDecodeError(`corrupt PNG: chunk ${type} at byte ${pos} has length ${length}`);
    }
    const start = pos + 8;
    const end = start + length;
    if (end > bytes.length) {
      throw new ImageDecodeError(
        `truncated PNG: chunk ${type} at byte ${pos} needs ${length} data bytes, ` +
          `the file has ${bytes.length - start} left`,
      );
    }
    const data = bytes.subarray(start, end);
    if (header === undefined && type !== 'IHDR') {
      throw new ImageDecodeError(`corrupt PNG: the first chunk is ${type}, not IHDR`);
    }
    switch (type) {
      case 'IHDR':
        if (header !== undefined) throw new ImageDecodeError('corrupt PNG: two IHDR chunks');
        header = parseHeader(data);
        break;
      case 'PLTE':
        if (length % 3 !== 0 || length === 0 || length > 768) {
          throw new ImageDecodeError(`corrupt PNG: PLTE has ${length} bytes`);
        }
        palette = data;
        break;
      case 'tRNS':
        trns = data;
        break;
      case 'IDAT':
        idat.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Upper-case first letter: a critical chunk the decoder must understand.
        if (typeBytes[0]! < 97) {
          throw new ImageDecodeError(`unsupported PNG: unknown critical chunk ${type}`);
        }
    }
    if (ended) break;
    pos = end + 4; // skip the CRC (not checked; a missing final CRC is tolerated)
  }
  if (header === undefined) throw new ImageDecodeError('truncated PNG: no IHDR chunk');
  if (idat.length === 0) {
    throw new ImageDecodeError(
      ended
        ? 'corrupt PNG: no image data (IDAT)'
        : 'truncated PNG: the file ends before any image data',
    );
  }
  const { width, height, bitDepth, colorType } = header;
  if (colorType === 3 && palette === undefined) {
    throw new ImageDecodeError('corrupt PNG: a palette image without a PLTE chunk');
  }

  const bitsPerPixel = SAMPLES[colorType] * bitDepth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const expected = height * (stride + 1);
  const compressed = idat.reduce((n, part) => n + part.length, 0);
  if (expected > MAX_DEFLATE_RATIO * compressed + 1024) {
    // Checked before the output buffer is allocated: deflate cannot expand more than this.
    throw new ImageDecodeError(
      `${ended ? 'corrupt' : 'truncated'} PNG: ${compressed} bytes of image data cannot hold ` +
        `a ${width}×${height} ${COLOR_NAMES[colorType]} image (${expected} bytes)`,
    );
  }
  let raw: Uint8Array;
  try {
    // A fixed output buffer: extra data is ignored and never allocated (no zlib bombs).
    raw = unzlibSync(concat(idat), { out: new Uint8Array(expected) });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ImageDecodeError(
      ended
        ? `corrupt PNG: the image data does not inflate (${why})`
        : `truncated PNG: the image data is cut off (${why})`,
    );
  }
  if (raw.length < expected) {
    throw new ImageDecodeError(
      `${ended ? 'corrupt' : 'truncated'} PNG: ${raw.length} bytes of image data, ` +
        `a ${width}×${height} ${COLOR_NAMES[colorType]} image needs ${expected}`,
    );
  }
  const rows = unfilter(raw, height, stride, bpp);
  return unpack(rows, header, stride, palette, trns);
}

/** Turns unfiltered rows into 8-bit interleaved pixels. */
function unpack(
  rows: Uint8Array,
  header: Required<PngHeader>,
  stride: number,
  palette: Uint8Array | undefined,
  trns: Uint8Array | undefined,
): DecodedImage {
  const { width, height, bitDepth, colorType } = header;
  const spp = SAMPLES[colorType];
  // tRNS: alpha per palette entry, or a colour key for grey / RGB (2 bytes per sample).
  const key =
    trns === undefined
      ? undefined
      : colorType === 0 && trns.length >= 2
        ? [(trns[0]! << 8) | trns[1]!]
        : colorType === 2 && trns.length >= 6
          ? [(trns[0]! << 8) | trns[1]!, (trns[2]! << 8) | trns[3]!, (trns[4]! << 8) | trns[5]!]
          : undefined;
  const paletteAlpha = colorType === 3 && trns !== undefined && trns.length > 0;

  if (bitDepth === 8 && key === undefined && colorType !== 3) {
    return { width, height, channels: spp as DecodedImage['channels'], data: rows };
  }

  // Sample reader: the full-depth value of sample i of a row.
  const sample =
    bitDepth === 8
      ? (row: Uint8Array, i: number): number => row[i]!
      : bitDepth === 16
        ? (row: Uint8Array, i: number): number => (row[2 * i]! << 8) | row[2 * i + 1]!
        : (row: Uint8Array, i: number): number => {
            const bit = i * bitDepth;
            return (row[bit >> 3]! >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
          };
  const to8 =
    bitDepth === 16
      ? (v: number): number => v >> 8
      : bitDepth === 8
        ? (v: number): number => v
        : (v: number): number => (v * 255) / ((1 << bitDepth) - 1);

  if (colorType === 3) {
    const pal = palette!;
    const entries = pal.length / 3;
    const channels = paletteAlpha ? 4 : 3;
    const out = new Uint8Array(width * height * channels);
    let o = 0;
    for (let y = 0; y < height; y++) {
      const row = rows.subarray(y * stride, (y + 1) * stride);
      for (let x = 0; x < width; x++) {
        const idx = sample(row, x);
        if (idx >= entries) {
          throw new ImageDecodeError(
            `corrupt PNG: palette index ${idx} at (${x}, ${y}), the palette has ${entries} entries`,
          );
        }
        out[o++] = pal[3 * idx]!;
        out[o++] = pal[3 * idx + 1]!;
        out[o++] = pal[3 * idx + 2]!;
        if (paletteAlpha) out[o++] = trns![idx] ?? 255;
      }
    }
    return { width, height, channels, data: out };
  }

  const channels = (spp + (key ? 1 : 0)) as DecodedImage['channels'];
  const out = new Uint8Array(width * height * channels);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const row = rows.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < width; x++) {
      let opaque = false;
      for (let s = 0; s < spp; s++) {
        const v = sample(row, x * spp + s);
        if (key && v !== key[s]) opaque = true;
        out[o++] = to8(v);
      }
      if (key) out[o++] = opaque ? 255 : 0;
    }
  }
  return { width, height, channels, data: out };
}

export { assemblePng, crc32, encodePng } from './pngEncode';
