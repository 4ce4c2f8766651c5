/**
 * PCA-to-RGB of a whole block: every spatial position is an example with C features; the top
 * three principal components, each stretched to 0..255, become red, green and blue.
 */
import { pca } from '../pca';

export interface PcaRgb {
  /** RGBA pixels, H×W. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** Each component's share of the variance (fewer than 3 when C or H·W is smaller). */
  explained: number[];
}

export function pcaRgb(data: ArrayLike<number>, C: number, H: number, W: number): PcaRgb {
  const n = H * W;
  if (data.length !== C * n) throw new RangeError(`expected ${C}×${H}×${W} values`);
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) rgba[i * 4 + 3] = 255;
  const k = Math.min(3, C, n);
  if (n < 2) return { rgba, explained: [] };
  // positions × channels (the activation is channels × positions)
  const X = new Float64Array(n * C);
  for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) X[i * C + c] = data[c * n + i]!;
  const r = pca(X, n, C, k);
  for (let comp = 0; comp < k; comp++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = r.projected[i * k + comp]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo;
    for (let i = 0; i < n; i++) {
      const v = r.projected[i * k + comp]!;
      rgba[i * 4 + comp] = span > 0 ? Math.round(((v - lo) / span) * 255) : 0;
    }
  }
  return { rgba, explained: Array.from(r.explainedVarianceRatio) };
}
