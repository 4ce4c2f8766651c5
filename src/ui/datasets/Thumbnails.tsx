import { useEffect, useRef } from 'react';

/** Stored uint8 planes [C, S, S] drawn side by side on one canvas. */
export function Thumbnails({
  pixels,
  size,
  channels,
  label,
}: {
  pixels: Uint8Array[];
  size: number;
  channels: 1 | 3;
  label: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || pixels.length === 0) return;
    const n = size * size;
    const image = ctx.createImageData(size * pixels.length, size);
    pixels.forEach((p, k) => {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const i = y * size + x;
          const o = 4 * (y * size * pixels.length + k * size + x);
          image.data[o] = p[i]!;
          image.data[o + 1] = channels === 3 ? p[n + i]! : p[i]!;
          image.data[o + 2] = channels === 3 ? p[2 * n + i]! : p[i]!;
          image.data[o + 3] = 255;
        }
      }
    });
    ctx.putImageData(image, 0, 0);
  }, [pixels, size, channels]);
  if (pixels.length === 0) return <span className="ds-hint">no images</span>;
  return (
    <canvas
      ref={ref}
      className="ds-thumbs"
      role="img"
      aria-label={label}
      width={size * pixels.length}
      height={size}
    />
  );
}
