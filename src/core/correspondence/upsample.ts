/**
 * Bilinear upsampling of a block's map [C, h, w] to image resolution, as DIFT does
 * (`nn.Upsample(size, mode='bilinear')`, i.e. PyTorch's `align_corners=False`: pixel centres
 * are aligned, source coordinates are clamped at the border).
 */

/** Where output index `i` (of `out`) falls on an axis of length `n`: two taps and a weight. */
export interface Tap {
  i0: number;
  i1: number;
  /** Weight of `i1`; `i0` gets 1 − w. Zero whenever i0 = i1. */
  w: number;
}

export function bilinearTap(i: number, out: number, n: number): Tap {
  const s = Math.min(Math.max(((i + 0.5) * n) / out - 0.5, 0), n - 1);
  const i0 = Math.floor(s);
  const i1 = Math.min(i0 + 1, n - 1);
  return { i0, i1, w: i1 === i0 ? 0 : s - i0 };
}

/** The taps of every output index of an axis. */
export function axisTaps(out: number, n: number): Tap[] {
  return Array.from({ length: out }, (_, i) => bilinearTap(i, out, n));
}

/** The whole map upsampled to [C, H, W]. */
export function upsampleBilinear(
  map: Float32Array,
  dims: readonly [number, number, number],
  H: number,
  W: number,
): Float32Array {
  const [C, h, w] = dims;
  if (map.length !== C * h * w) throw new RangeError(`map has ${map.length} values, not C·h·w`);
  const ty = axisTaps(H, h);
  const tx = axisTaps(W, w);
  const out = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) {
    const base = c * h * w;
    for (let Y = 0; Y < H; Y++) {
      const { i0: y0, i1: y1, w: ly } = ty[Y]!;
      for (let X = 0; X < W; X++) {
        const { i0: x0, i1: x1, w: lx } = tx[X]!;
        const a = map[base + y0 * w + x0]!;
        const b = map[base + y0 * w + x1]!;
        const cc = map[base + y1 * w + x0]!;
        const d = map[base + y1 * w + x1]!;
        out[(c * H + Y) * W + X] =
          (1 - ly) * ((1 - lx) * a + lx * b) + ly * ((1 - lx) * cc + lx * d);
      }
    }
  }
  return out;
}

/** The feature vector of the upsampled map at image pixel (x, y), without upsampling the map. */
export function featureAt(
  map: Float32Array,
  dims: readonly [number, number, number],
  H: number,
  W: number,
  x: number,
  y: number,
): Float32Array {
  const [C, h, w] = dims;
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= W || y >= H)
    throw new RangeError(`(${x}, ${y}) is outside the ${W}×${H} image`);
  const { i0: y0, i1: y1, w: ly } = bilinearTap(y, H, h);
  const { i0: x0, i1: x1, w: lx } = bilinearTap(x, W, w);
  const v = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const base = c * h * w;
    v[c] =
      (1 - ly) * ((1 - lx) * map[base + y0 * w + x0]! + lx * map[base + y0 * w + x1]!) +
      ly * ((1 - lx) * map[base + y1 * w + x0]! + lx * map[base + y1 * w + x1]!);
  }
  return v;
}
