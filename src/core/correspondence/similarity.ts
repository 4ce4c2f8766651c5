/**
 * Cosine similarity between one source feature vector and every pixel of a target map that is
 * bilinearly upsampled to image resolution, computed without building the upsampled map: the
 * upsampled vector at a pixel is a weighted sum of (at most) four cells, so its dot product with
 * the source is the same sum of the cells' dot products, and its squared norm a quadratic form
 * in the cells' inner products with their neighbours, which are computed once per target map.
 * A click then costs C·h·w multiply-adds plus a few per pixel (DIFT upsamples the whole map).
 */
import { axisTaps, type Tap } from './upsample';

/** A target map ready for clicks: the map and its cells' inner products with their neighbours. */
export interface PreparedTarget {
  map: Float32Array;
  dims: [number, number, number];
  H: number;
  W: number;
  /** ⟨F(y,x), F(y,x)⟩ */
  self: Float64Array;
  /** ⟨F(y,x), F(y,x+1)⟩ */
  right: Float64Array;
  /** ⟨F(y,x), F(y+1,x)⟩ */
  down: Float64Array;
  /** ⟨F(y,x), F(y+1,x+1)⟩ */
  diag: Float64Array;
  /** ⟨F(y,x+1), F(y+1,x)⟩ */
  anti: Float64Array;
  ty: Tap[];
  tx: Tap[];
}

export function prepareTarget(
  map: Float32Array,
  dims: readonly [number, number, number],
  H: number,
  W: number,
): PreparedTarget {
  const [C, h, w] = dims;
  if (map.length !== C * h * w) throw new RangeError(`map has ${map.length} values, not C·h·w`);
  const n = h * w;
  const self = new Float64Array(n);
  const right = new Float64Array(n);
  const down = new Float64Array(n);
  const diag = new Float64Array(n);
  const anti = new Float64Array(n);
  for (let c = 0; c < C; c++) {
    const o = c * n;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const v = map[o + i]!;
        self[i]! += v * v;
        if (x + 1 < w) right[i]! += v * map[o + i + 1]!;
        if (y + 1 < h) {
          down[i]! += v * map[o + i + w]!;
          if (x + 1 < w) {
            diag[i]! += v * map[o + i + w + 1]!;
            anti[i]! += map[o + i + 1]! * map[o + i + w]!;
          }
        }
      }
    }
  }
  return {
    map,
    dims: [C, h, w],
    H,
    W,
    self,
    right,
    down,
    diag,
    anti,
    ty: axisTaps(H, h),
    tx: axisTaps(W, w),
  };
}

/** Cosine similarity of `source` (C values) with the upsampled target at every pixel, [H·W]. */
export function cosineMap(source: Float32Array, t: PreparedTarget): Float32Array {
  const [C, h, w] = t.dims;
  if (source.length !== C) throw new RangeError(`source has ${source.length} channels, not ${C}`);
  const n = h * w;
  const dot = new Float64Array(n);
  let ss = 0;
  for (let c = 0; c < C; c++) {
    const s = source[c]!;
    ss += s * s;
    if (s === 0) continue;
    const o = c * n;
    for (let i = 0; i < n; i++) dot[i]! += s * t.map[o + i]!;
  }
  const sNorm = Math.sqrt(ss);
  const out = new Float32Array(t.H * t.W);
  for (let Y = 0; Y < t.H; Y++) {
    const { i0: y0, i1: y1, w: ly } = t.ty[Y]!;
    for (let X = 0; X < t.W; X++) {
      const { i0: x0, i1: x1, w: lx } = t.tx[X]!;
      const a = y0 * w + x0;
      const b = y0 * w + x1;
      const c = y1 * w + x0;
      const d = y1 * w + x1;
      const wa = (1 - ly) * (1 - lx);
      const wb = (1 - ly) * lx;
      const wc = ly * (1 - lx);
      const wd = ly * lx;
      let num = wa * dot[a]!;
      let sq = wa * wa * t.self[a]!;
      if (lx > 0) {
        num += wb * dot[b]!;
        sq += wb * wb * t.self[b]! + 2 * wa * wb * t.right[a]!;
      }
      if (ly > 0) {
        num += wc * dot[c]!;
        sq += wc * wc * t.self[c]! + 2 * wa * wc * t.down[a]!;
        if (lx > 0) {
          num += wd * dot[d]!;
          sq +=
            wd * wd * t.self[d]! +
            2 * (wc * wd * t.right[c]! + wb * wd * t.down[b]! + wa * wd * t.diag[a]!) +
            2 * wb * wc * t.anti[a]!;
        }
      }
      const norm = Math.sqrt(Math.max(sq, 0)) * sNorm;
      out[Y * t.W + X] = norm > 0 ? num / norm : 0;
    }
  }
  return out;
}

/** The best match: the first pixel (row-major) with the highest value, and that value. */
export function argmax2d(
  values: ArrayLike<number>,
  W: number,
): { x: number; y: number; value: number } {
  if (!values.length) throw new RangeError('no values');
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return { x: best % W, y: Math.floor(best / W), value: values[best]! };
}

/** The element-wise mean of k maps of the same shape (DIFT's ensemble over noise samples). */
export function meanMaps(maps: readonly Float32Array[]): Float32Array {
  if (!maps.length) throw new RangeError('no maps to average');
  const out = new Float32Array(maps[0]!.length);
  for (const m of maps) {
    if (m.length !== out.length) throw new RangeError('maps differ in size');
    for (let i = 0; i < out.length; i++) out[i]! += m[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= maps.length;
  return out;
}
