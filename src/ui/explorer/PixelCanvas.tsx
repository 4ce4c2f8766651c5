import { useEffect, useRef } from 'react';
import type { MouseEvent } from 'react';

/**
 * RGBA pixels on a canvas of their own size, scaled up by CSS without smoothing. `onHover`
 * gets the pixel under the pointer (null when it leaves).
 */
export function PixelCanvas({
  rgba,
  width,
  height,
  label,
  className,
  onHover,
  testId,
}: {
  rgba: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  label: string;
  className?: string;
  onHover?: (p: { x: number; y: number } | null) => void;
  testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || rgba.length !== width * height * 4) return;
    ctx.putImageData(new ImageData(rgba, width, height), 0, 0);
  }, [rgba, width, height]);
  const move = (e: MouseEvent<HTMLCanvasElement>) => {
    if (!onHover) return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * width);
    const y = Math.floor(((e.clientY - r.top) / r.height) * height);
    onHover(x >= 0 && y >= 0 && x < width && y < height ? { x, y } : null);
  };
  return (
    <canvas
      ref={ref}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      className={className ? `pixels ${className}` : 'pixels'}
      data-testid={testId}
      onMouseMove={onHover ? move : undefined}
      onMouseLeave={onHover ? () => onHover(null) : undefined}
    />
  );
}
