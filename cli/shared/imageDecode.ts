/**
 * Decoding image files headless: PNG with the app's own decoder (src/core/image/png.ts), JPEG
 * and WebP with sharp (libvips, prebuilt binaries from npm), oriented by their EXIF tag as a
 * browser shows them. Either gives 8-bit interleaved pixels for the app's fit rules
 * (src/core/image/prepare.ts); a file that does not decode is an ImageDecodeError (listed,
 * not fatal).
 */
import sharp from 'sharp';
import { decodePng, ImageDecodeError, type DecodedImage } from '../../src/core/image/png';

/** Extensions the CLI decodes. */
export const HEADLESS_IMAGES = new Set(['png', 'jpg', 'jpeg', 'jfif', 'webp']);

export async function decodeImage(path: string, bytes: Uint8Array): Promise<DecodedImage> {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'png') return decodePng(bytes);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .rotate()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const channels = info.channels;
    if (channels < 1 || channels > 4) throw new Error(`${channels} channels`);
    return {
      width: info.width,
      height: info.height,
      channels: channels as 1 | 2 | 3 | 4,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (e) {
    throw new ImageDecodeError(`not a readable ${ext.toUpperCase()} (${(e as Error).message})`);
  }
}
