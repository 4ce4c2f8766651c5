/** Model-range images [C, S, S] → RGBA pixels for a canvas. */

/** Maps v in [lo, hi] to 0..255 (clamped). */
export function toByte(v: number, lo: number, hi: number): number {
  const f = (v - lo) / (hi - lo);
  return Math.round(Math.min(1, Math.max(0, f)) * 255);
}

/** Grey (C = 1) or RGB (C = 3) pixels in `range` (default [−1, 1]) → RGBA. */
export function imageToRgba(
  x: ArrayLike<number>,
  C: number,
  H: number,
  W: number,
  range: readonly [number, number] = [-1, 1],
): Uint8ClampedArray<ArrayBuffer> {
  const n = H * W;
  if (x.length !== C * n) throw new RangeError(`expected ${C}×${H}×${W} values, got ${x.length}`);
  const out = new Uint8ClampedArray(n * 4);
  const [lo, hi] = range;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) out[i * 4 + ch] = toByte(x[(C === 3 ? ch : 0) * n + i]!, lo, hi);
    out[i * 4 + 3] = 255;
  }
  return out;
}
