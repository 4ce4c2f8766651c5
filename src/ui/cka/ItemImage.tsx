import { useEffect, useRef } from 'react';

/** One image in the model's range [-1, 1] ([C, S, S], C = 1 or 3), drawn enlarged. */
export function ItemImage({
  x0,
  size,
  channels,
  scale = 3,
  label,
}: {
  x0: Float32Array;
  size: number;
  channels: number;
  scale?: number;
  label: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const g = ref.current?.getContext('2d');
    if (!g) return;
    const img = g.createImageData(size, size);
    const plane = size * size;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const v = x0[(channels === 3 ? c : 0) * plane + p]!;
        img.data[4 * p + c] = Math.round(Math.max(0, Math.min(255, (v + 1) * 127.5)));
      }
      img.data[4 * p + 3] = 255;
    }
    g.putImageData(img, 0, 0);
  }, [x0, size, channels]);
  return (
    <canvas
      ref={ref}
      width={size}
      height={size}
      role="img"
      aria-label={label}
      style={{ width: size * scale, height: size * scale, imageRendering: 'pixelated' }}
    />
  );
}
