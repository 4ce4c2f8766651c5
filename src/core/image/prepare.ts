/**
 * Decoded pixels → the model's input: [C, S, S] float32 in [−1, 1].
 *
 * 1. Channels: alpha is composited over black (v·a/255); RGB → grey by ITU-R BT.601 luma
 *    (0.299 R + 0.587 G + 0.114 B, not rounded); grey → RGB by repeating the grey value.
 * 2. Size S:
 *    - both sides ≤ S: no resampling; the image is padded centred with the background (black,
 *      −1 after scaling), the extra pixel of an odd margin going right / below. This is how
 *      Fashion-MNIST's 28×28 becomes the default model's 32×32 (pixel (0, 0) lands at (2, 2)).
 *    - otherwise `crop` (default): the centred square of side min(W, H) is area-resampled to
 *      S×S — resizing the shorter side to S and cropping the centre, without rounding the crop
 *      offset to whole pixels. `pad`: the image is area-resampled so its longer side is S (the
 *      shorter to round(side·S/longer) pixels) and padded centred as above.
 *    Area resampling averages the source pixels under each target pixel, weighted by overlap
 *    (a box filter; exact block means when the scale is an integer).
 * 3. Scale: x/127.5 − 1, evaluated in float32 as NumPy / PyTorch do for a float32 array
 *    (fround(fround(x / 127.5) − 1)), so integer pixels give the same bits as tools/.
 */

/** Pixels as a decoder gives them (a PNG decode, or an ImageData with 4 channels). */
export interface PixelImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** Row-major, interleaved, 0..255. */
  data: Uint8Array | Uint8ClampedArray;
}

export type FitMode = 'crop' | 'pad';

export interface PrepareOptions {
  /** The model's image size S (square). */
  size: number;
  /** The model's channels: 1 grey or 3 RGB. */
  channels: 1 | 3;
  /** How an image larger than S is fitted (default 'crop'). */
  mode?: FitMode;
}

/** ITU-R BT.601 luma weights for R, G, B. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/** A source window (fractional pixel bounds) and where its resampled content goes in S×S. */
export interface FitGeometry {
  /** Source window [x0, x1) × [y0, y1) in pixels. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Size of the resampled content. */
  width: number;
  height: number;
  /** Top-left of the content in the S×S output. */
  left: number;
  top: number;
}

/** Where an image of W×H goes in an S×S input. */
export function fitGeometry(W: number, H: number, S: number, mode: FitMode = 'crop'): FitGeometry {
  for (const [name, v] of [
    ['width', W],
    ['height', H],
    ['size', S],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`${name} must be an integer ≥ 1, got ${v}`);
  }
  if (mode !== 'crop' && mode !== 'pad') {
    throw new RangeError(`fit mode must be 'crop' or 'pad', got ${String(mode)}`);
  }
  if (W <= S && H <= S) {
    return {
      x0: 0,
      y0: 0,
      x1: W,
      y1: H,
      width: W,
      height: H,
      left: Math.floor((S - W) / 2),
      top: Math.floor((S - H) / 2),
    };
  }
  if (mode === 'crop') {
    const m = Math.min(W, H);
    return {
      x0: (W - m) / 2,
      y0: (H - m) / 2,
      x1: (W + m) / 2,
      y1: (H + m) / 2,
      width: S,
      height: S,
      left: 0,
      top: 0,
    };
  }
  const M = Math.max(W, H);
  const width = Math.min(S, Math.max(1, Math.round((W * S) / M)));
  const height = Math.min(S, Math.max(1, Math.round((H * S) / M)));
  return {
    x0: 0,
    y0: 0,
    x1: W,
    y1: H,
    width,
    height,
    left: Math.floor((S - width) / 2),
    top: Math.floor((S - height) / 2),
  };
}

/**
 * The image as `channels` planes [C, H, W] of 0..255 values (float64): alpha composited over
 * black, RGB → grey by {@link LUMA}, grey → RGB by repetition.
 */
export function toPlanes(img: PixelImage, channels: 1 | 3): Float64Array {
  const { width, height, channels: inC, data } = img;
  const n = width * height;
  if (![1, 2, 3, 4].includes(inC)) throw new RangeError(`unsupported channel count ${inC}`);
  if (data.length !== n * inC) {
    throw new RangeError(
      `${data.length} values do not make a ${width}×${height} image with ${inC} channels`,
    );
  }
  const hasAlpha = inC === 2 || inC === 4;
  const colour = inC >= 3;
  const out = new Float64Array(channels * n);
  for (let i = 0; i < n; i++) {
    const p = i * inC;
    const a = hasAlpha ? data[p + inC - 1]! / 255 : 1;
    if (colour) {
      const r = data[p]! * a;
      const g = data[p + 1]! * a;
      const b = data[p + 2]! * a;
      if (channels === 1) {
        out[i] = LUMA[0] * r + LUMA[1] * g + LUMA[2] * b;
      } else {
        out[i] = r;
        out[n + i] = g;
        out[2 * n + i] = b;
      }
    } else {
      const v = data[p]! * a;
      for (let c = 0; c < channels; c++) out[c * n + i] = v;
    }
  }
  return out;
}

/** Box-filter weights mapping [a0, a1) of a source axis onto `n` target pixels. */
function axisWeights(a0: number, a1: number, n: number): { start: number; w: number[] }[] {
  const step = (a1 - a0) / n;
  const out: { start: number; w: number[] }[] = [];
  for (let j = 0; j < n; j++) {
    const lo = a0 + j * step;
    const hi = j === n - 1 ? a1 : a0 + (j + 1) * step;
    const start = Math.floor(lo);
    const w: number[] = [];
    for (let k = start; k < hi; k++) {
      const overlap = Math.min(hi, k + 1) - Math.max(lo, k);
      w.push(overlap / (hi - lo));
    }
    out.push({ start, w });
  }
  return out;
}

/**
 * Area-resamples the window [x0, x1) × [y0, y1) of planes [C, H, W] to [C, outH, outW]:
 * each target pixel is the overlap-weighted mean of the source pixels under it.
 */
export function areaResample(
  planes: Float64Array,
  shape: readonly [number, number, number],
  win: Pick<FitGeometry, 'x0' | 'y0' | 'x1' | 'y1'>,
  outW: number,
  outH: number,
): Float64Array {
  const [C, H, W] = shape;
  if (planes.length !== C * H * W) {
    throw new RangeError(
      `planes have ${planes.length} values, [${shape.join(', ')}] needs ${C * H * W}`,
    );
  }
  if (!(
    win.x0 >= 0 &&
    win.y0 >= 0 &&
    win.x1 <= W &&
    win.y1 <= H &&
    win.x0 < win.x1 &&
    win.y0 < win.y1
  )) {
    throw new RangeError(
      `window [${win.x0}, ${win.x1}) × [${win.y0}, ${win.y1}) is outside ${W}×${H}`,
    );
  }
  const cols = axisWeights(win.x0, win.x1, outW);
  const rows = axisWeights(win.y0, win.y1, outH);
  const r0 = Math.floor(win.y0);
  const r1 = Math.ceil(win.y1);
  const tmp = new Float64Array((r1 - r0) * outW);
  const out = new Float64Array(C * outH * outW);
  for (let c = 0; c < C; c++) {
    const base = c * H * W;
    // Horizontal pass over the rows the window touches.
    for (let r = r0; r < r1; r++) {
      const row = base + r * W;
      for (let j = 0; j < outW; j++) {
        const { start, w } = cols[j]!;
        let s = 0;
        for (let k = 0; k < w.length; k++) s += planes[row + start + k]! * w[k]!;
        tmp[(r - r0) * outW + j] = s;
      }
    }
    // Vertical pass.
    for (let i = 0; i < outH; i++) {
      const { start, w } = rows[i]!;
      const dst = c * outH * outW + i * outW;
      for (let j = 0; j < outW; j++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) s += tmp[(start - r0 + k) * outW + j]! * w[k]!;
        out[dst + j] = s;
      }
    }
  }
  return out;
}

/** x/127.5 − 1 in float32 arithmetic (as NumPy evaluates it on a float32 array). */
export function scalePixel(v: number): number {
  return Math.fround(Math.fround(v / 127.5) - 1);
}

/** Decoded pixels → the model input [C, S, S] (float32, [−1, 1], background −1). */
export function prepareImage(img: PixelImage, opts: PrepareOptions): Float32Array {
  const S = opts.size;
  const C = opts.channels;
  if (C !== 1 && C !== 3)
    throw new RangeError(`the model must take 1 or 3 channels, got ${String(C)}`);
  const g = fitGeometry(img.width, img.height, S, opts.mode ?? 'crop');
  const planes = toPlanes(img, C);
  const content =
    g.width === img.width && g.height === img.height && g.x0 === 0 && g.y0 === 0
      ? planes
      : areaResample(planes, [C, img.height, img.width], g, g.width, g.height);
  const out = new Float32Array(C * S * S).fill(-1);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < g.height; y++) {
      const src = c * g.width * g.height + y * g.width;
      const dst = c * S * S + (g.top + y) * S + g.left;
      for (let x = 0; x < g.width; x++) out[dst + x] = scalePixel(content[src + x]!);
    }
  }
  return out;
}
