/**
 * One image file → stored pixels, in the worker: the size is read from the header, then
 * createImageBitmap decodes the fitted window (centre square for crop, whole image for pad)
 * straight to its size at S (resizeWidth/resizeHeight), an OffscreenCanvas composites it over
 * black at its place in S×S, and the RGBA becomes uint8 planes of the model's channels.
 */
import { imageSize } from '../../src/core/datasets/imageSize';
import { rgbaToPlanes } from '../../src/core/datasets/pixels';
import { fitGeometry } from '../../src/core/image/prepare';
import type { FitMode } from '../../src/core/image/prepare';

export class DecodeProblem extends Error {}

export interface DecodeTarget {
  size: number;
  channels: 1 | 3;
  fit: FitMode;
  maxPixels: number;
}

/** Images above this many pixels are decoded one at a time (they need their full size once). */
export const LARGE_PIXELS = 16_000_000;

const OPTIONS: ImageBitmapOptions = {
  premultiplyAlpha: 'none',
  colorSpaceConversion: 'none',
};

let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;

function canvasOf(size: number): OffscreenCanvasRenderingContext2D {
  if (!canvas || canvas.width !== size) {
    canvas = new OffscreenCanvas(size, size);
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!context) throw new Error('no 2D canvas in this worker');
  return context;
}

/** The pixel count an image's header declares (null when the header is not recognised). */
export function declaredPixels(bytes: Uint8Array): number | null {
  const s = imageSize(bytes);
  return s ? s.width * s.height : null;
}

export async function decodeToPlanes(bytes: Uint8Array, t: DecodeTarget): Promise<Uint8Array> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  const header = imageSize(bytes);
  if (header && header.width * header.height > t.maxPixels) {
    throw new DecodeProblem(
      `${header.width}×${header.height} pixels is more than ${Math.round(t.maxPixels / 1e6)} megapixels`,
    );
  }
  let full: ImageBitmap | null = null;
  let W: number;
  let H: number;
  try {
    if (header && header.width > 0 && header.height > 0) {
      ({ width: W, height: H } = header);
    } else {
      full = await createImageBitmap(blob, OPTIONS);
      W = full.width;
      H = full.height;
    }
  } catch {
    throw new DecodeProblem('corrupt or unsupported image');
  }
  const g = fitGeometry(W, H, t.size, t.fit);
  let bitmap: ImageBitmap;
  try {
    if (g.width === W && g.height === H) {
      bitmap = full ?? (await createImageBitmap(blob, OPTIONS));
    } else {
      full?.close();
      const sx = Math.floor(g.x0);
      const sy = Math.floor(g.y0);
      bitmap = await createImageBitmap(
        blob,
        sx,
        sy,
        Math.max(1, Math.round(g.x1 - sx)),
        Math.max(1, Math.round(g.y1 - sy)),
        { ...OPTIONS, resizeWidth: g.width, resizeHeight: g.height, resizeQuality: 'high' },
      );
    }
  } catch {
    throw new DecodeProblem('corrupt or unsupported image');
  }
  if (bitmap.width !== g.width || bitmap.height !== g.height) {
    // The header lied about the size: the decoded image is what counts.
    const actual = { w: bitmap.width, h: bitmap.height };
    bitmap.close();
    throw new DecodeProblem(`corrupt image (header and data disagree: ${actual.w}×${actual.h})`);
  }
  const ctx = canvasOf(t.size);
  ctx.globalCompositeOperation = 'source-over';
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, t.size, t.size);
  ctx.drawImage(bitmap, g.left, g.top);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, t.size, t.size).data;
  return rgbaToPlanes(rgba, t.channels);
}
