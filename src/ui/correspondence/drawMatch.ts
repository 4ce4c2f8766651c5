import { colorize } from '../../core/explorer/colormap';
import { imageToRgba } from '../../core/explorer/pixels';

/** Display pixels per image pixel: at least 256 px across. */
export function zoomFor(S: number): number {
  return Math.max(1, Math.ceil(256 / S));
}

/**
 * Draws an S×S model-range image [C, S, S] scaled by `zoom` without smoothing, optionally with
 * a similarity map [S·S] over it (viridis on its own min…max), then markers at pixel centres.
 */
export function drawMatch(
  canvas: HTMLCanvasElement,
  img: { x0: Float32Array; C: number; S: number; range: readonly [number, number] },
  sim: Float32Array | null,
  markers: { x: number; y: number; color: string; shape: 'ring' | 'cross' }[],
): void {
  const { S, C } = img;
  const zoom = zoomFor(S);
  const ctx = canvas.getContext('2d');
  if (!ctx || img.x0.length !== C * S * S) return;
  const small = document.createElement('canvas');
  small.width = S;
  small.height = S;
  const sctx = small.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  sctx.putImageData(new ImageData(imageToRgba(img.x0, C, S, S, img.range), S, S), 0, 0);
  ctx.globalAlpha = 1;
  ctx.drawImage(small, 0, 0, S * zoom, S * zoom);
  if (sim && sim.length === S * S) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of sim) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    sctx.putImageData(new ImageData(colorize(sim, 0, S * S, lo, hi, 'viridis'), S, S), 0, 0);
    ctx.globalAlpha = 0.65;
    ctx.drawImage(small, 0, 0, S * zoom, S * zoom);
    ctx.globalAlpha = 1;
  }
  for (const m of markers) {
    const cx = (m.x + 0.5) * zoom;
    const cy = (m.y + 0.5) * zoom;
    const r = Math.max(4, zoom * 0.9);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 4;
    const path = () => {
      ctx.beginPath();
      if (m.shape === 'ring') ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      else {
        ctx.moveTo(cx - r, cy);
        ctx.lineTo(cx + r, cy);
        ctx.moveTo(cx, cy - r);
        ctx.lineTo(cx, cy + r);
      }
    };
    path();
    ctx.stroke();
    ctx.strokeStyle = m.color;
    ctx.lineWidth = 2;
    path();
    ctx.stroke();
  }
}
