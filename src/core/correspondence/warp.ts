/**
 * Known warps of an image (shift, and optionally scale and rotation about the centre), where a
 * point of the source lands under them, and PCK, the share of points matched within a radius.
 * Coordinates are pixel indices (x right, y down); a pixel's value sits at its index.
 */

export interface Warp {
  /** Shift in pixels. */
  dx: number;
  dy: number;
  /** Scale about the image centre (1: none). */
  scale: number;
  /** Rotation about the image centre in degrees, clockwise on screen (0: none). */
  rotate: number;
}

export const NO_WARP: Warp = { dx: 0, dy: 0, scale: 1, rotate: 0 };

export function isShiftOnly(w: Warp): boolean {
  return w.scale === 1 && w.rotate === 0;
}

export function checkWarp(w: Warp): void {
  for (const k of ['dx', 'dy', 'scale', 'rotate'] as const)
    if (!Number.isFinite(w[k])) throw new RangeError(`${k} must be a number, got ${w[k]}`);
  if (w.scale <= 0) throw new RangeError(`scale must be above 0, got ${w.scale}`);
}

/** Where source point (x, y) lands in the warped image of size W×H (not rounded). */
export function warpPoint(w: Warp, x: number, y: number, W: number, H: number): [number, number] {
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  const r = (w.rotate * Math.PI) / 180;
  const cos = Math.cos(r) * w.scale;
  const sin = Math.sin(r) * w.scale;
  const px = x - cx;
  const py = y - cy;
  return [cx + cos * px - sin * py + w.dx, cy + sin * px + cos * py + w.dy];
}

/** Where target point (x, y) came from in the source (the inverse of `warpPoint`). */
export function unwarpPoint(w: Warp, x: number, y: number, W: number, H: number): [number, number] {
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  const r = (-w.rotate * Math.PI) / 180;
  const cos = Math.cos(r) / w.scale;
  const sin = Math.sin(r) / w.scale;
  const px = x - w.dx - cx;
  const py = y - w.dy - cy;
  return [cx + cos * px - sin * py, cy + sin * px + cos * py];
}

/**
 * The image [C, H, W] warped: each target pixel takes the source bilinearly at its unwarped
 * position; pixels from outside the source take `fill` (a whole-pixel shift copies exactly).
 */
export function warpImage(
  img: Float32Array,
  dims: readonly [number, number, number],
  w: Warp,
  fill: number,
): Float32Array {
  checkWarp(w);
  const [C, H, W] = dims;
  if (img.length !== C * H * W) throw new RangeError(`image has ${img.length} values, not C·H·W`);
  const out = new Float32Array(img.length).fill(fill);
  const at = (c: number, y: number, x: number) =>
    x < 0 || y < 0 || x >= W || y >= H ? fill : img[(c * H + y) * W + x]!;
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      const [sx, sy] = unwarpPoint(w, X, Y, W, H);
      // Snap values within rounding of a whole pixel, so integer shifts copy exactly.
      const rx = Math.abs(sx - Math.round(sx)) < 1e-9 ? Math.round(sx) : sx;
      const ry = Math.abs(sy - Math.round(sy)) < 1e-9 ? Math.round(sy) : sy;
      if (rx <= -1 || ry <= -1 || rx >= W || ry >= H) continue;
      const x0 = Math.floor(rx);
      const y0 = Math.floor(ry);
      const lx = rx - x0;
      const ly = ry - y0;
      for (let c = 0; c < C; c++) {
        const v00 = at(c, y0, x0);
        const v01 = lx > 0 ? at(c, y0, x0 + 1) : 0;
        const v10 = ly > 0 ? at(c, y0 + 1, x0) : 0;
        const v11 = lx > 0 && ly > 0 ? at(c, y0 + 1, x0 + 1) : 0;
        out[(c * H + Y) * W + X] =
          (1 - ly) * ((1 - lx) * v00 + lx * v01) + ly * ((1 - lx) * v10 + lx * v11);
      }
    }
  }
  return out;
}

/**
 * Probe points for a sweep: a grid of `n`×`n` pixels whose warped position stays inside the
 * image (half a pixel in from the border), and that are on the object: their value differs
 * from the background `fill` (in channel mean) by more than `minContrast`.
 */
export function probePoints(
  img: Float32Array,
  dims: readonly [number, number, number],
  w: Warp,
  opts: { n: number; fill: number; minContrast: number },
): [number, number][] {
  const [C, H, W] = dims;
  const pts: [number, number][] = [];
  for (let j = 0; j < opts.n; j++) {
    for (let i = 0; i < opts.n; i++) {
      const x = Math.floor(((i + 0.5) * W) / opts.n);
      const y = Math.floor(((j + 0.5) * H) / opts.n);
      let mean = 0;
      for (let c = 0; c < C; c++) mean += img[(c * H + y) * W + x]!;
      mean /= C;
      if (Math.abs(mean - opts.fill) <= opts.minContrast) continue;
      const [tx, ty] = warpPoint(w, x, y, W, H);
      if (tx < 0 || ty < 0 || tx > W - 1 || ty > H - 1) continue;
      pts.push([x, y]);
    }
  }
  return pts;
}

/**
 * PCK@α: the share of predicted points within α·size (Euclidean) of the true ones; NaN when
 * there are no points.
 */
export function pck(
  predicted: readonly (readonly [number, number])[],
  truth: readonly (readonly [number, number])[],
  size: number,
  alpha = 0.1,
): number {
  if (predicted.length !== truth.length) throw new RangeError('as many predictions as points');
  if (!truth.length) return NaN;
  const r = alpha * size;
  let hit = 0;
  predicted.forEach(([x, y], i) => {
    const [tx, ty] = truth[i]!;
    if (Math.hypot(x - tx, y - ty) <= r) hit += 1;
  });
  return hit / truth.length;
}
