/**
 * The stored form of a dataset image and the way back to a model input. An image is stored
 * once, at the model's size S with its fit (crop or pad) applied, as uint8 planes [C, S, S]
 * (1 kB for 32×32 grey, not 4 kB of float32); preparing to the model's range happens when a
 * dataset is read, so the same stored set serves models of other sizes and channels.
 */
import { LUMA, prepareImage, scalePixel } from '../image/prepare';
import type { FitMode } from '../image/prepare';

/** RGBA pixels (already opaque: composited over black) → uint8 planes [C, S·S]. */
export function rgbaToPlanes(rgba: Uint8Array | Uint8ClampedArray, channels: 1 | 3): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(channels * n);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i]!;
    const g = rgba[4 * i + 1]!;
    const b = rgba[4 * i + 2]!;
    if (channels === 1) {
      out[i] = Math.round(LUMA[0] * r + LUMA[1] * g + LUMA[2] * b);
    } else {
      out[i] = r;
      out[n + i] = g;
      out[2 * n + i] = b;
    }
  }
  return out;
}

/** Whether a stored image is grey in every pixel (all planes equal). */
export function isGrey(planes: Uint8Array, channels: 1 | 3): boolean {
  if (channels === 1) return true;
  const n = planes.length / 3;
  for (let i = 0; i < n; i++) {
    if (planes[i] !== planes[n + i] || planes[i] !== planes[2 * n + i]) return false;
  }
  return true;
}

export interface StoredShape {
  size: number;
  channels: 1 | 3;
}

/**
 * Stored uint8 planes → the model input [C, S, S] in [−1, 1]. The same size only changes the
 * channels and scales; another size is resampled by `prepareImage` (crop or pad).
 */
export function storedToInput(
  planes: Uint8Array,
  from: StoredShape,
  to: StoredShape,
  mode: FitMode = 'crop',
  out: Float32Array = new Float32Array(to.channels * to.size * to.size),
): Float32Array {
  const n = from.size * from.size;
  if (planes.length !== from.channels * n) {
    throw new RangeError(`${planes.length} bytes do not make ${from.channels}×${from.size}²`);
  }
  if (from.size === to.size) {
    for (let i = 0; i < n; i++) {
      if (from.channels === to.channels) {
        for (let c = 0; c < to.channels; c++) out[c * n + i] = scalePixel(planes[c * n + i]!);
      } else if (to.channels === 1) {
        const y = LUMA[0] * planes[i]! + LUMA[1] * planes[n + i]! + LUMA[2] * planes[2 * n + i]!;
        out[i] = scalePixel(y);
      } else {
        const v = scalePixel(planes[i]!);
        out[i] = v;
        out[n + i] = v;
        out[2 * n + i] = v;
      }
    }
    return out;
  }
  const interleaved = new Uint8Array(planes.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < from.channels; c++) interleaved[i * from.channels + c] = planes[c * n + i]!;
  }
  const x0 = prepareImage(
    { width: from.size, height: from.size, channels: from.channels, data: interleaved },
    { size: to.size, channels: to.channels, mode },
  );
  out.set(x0);
  return out;
}
