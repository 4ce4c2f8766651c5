import { useEffect, useRef } from 'react';

/** Draws a prepared image [C, S, S] in [−1, 1] on a small canvas. */
export function ImageThumb({
  x0,
  label,
  size = 56,
}: {
  x0: Float32Array;
  label: string;
  size?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    // Grey or RGB: S² cannot be 3·k² for whole S and k, so the length tells them apart.
    const C = Number.isInteger(Math.sqrt(x0.length)) ? 1 : 3;
    const S = Math.round(Math.sqrt(x0.length / C));
    canvas.width = S;
    canvas.height = S;
    const img = ctx.createImageData(S, S);
    for (let i = 0; i < S * S; i++) {
      for (let c = 0; c < 3; c++) {
        const v = x0[(C === 3 ? c : 0) * S * S + i]!;
        img.data[i * 4 + c] = Math.round(((v + 1) / 2) * 255);
      }
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [x0]);
  return (
    <canvas
      ref={ref}
      className="heads-thumb"
      style={{ width: size, height: size }}
      role="img"
      aria-label={label}
    />
  );
}
