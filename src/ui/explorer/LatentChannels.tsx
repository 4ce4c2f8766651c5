import { useMemo } from 'react';
import { colorize } from '../../core/explorer/colormap';
import { PixelCanvas } from './PixelCanvas';

/**
 * A latent [C, S, S] (a latent model's x0 or x_t) as one diverging heatmap per channel, on one
 * range symmetric about zero over all channels, so channels compare.
 */
export function LatentChannels({
  data,
  channels,
  size,
  what,
  testId,
}: {
  data: Float32Array;
  channels: number;
  size: number;
  /** "x0" or "x_t, t = 90": names each channel's canvas. */
  what: string;
  testId: string;
}) {
  const maps = useMemo(() => {
    let m = 0;
    for (const v of data) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    const n = size * size;
    return Array.from({ length: channels }, (_, c) => colorize(data, c * n, n, -m, m, 'diverging'));
  }, [data, channels, size]);
  return (
    <div
      className="latent-channels"
      data-testid={testId}
      role="group"
      aria-label={`Latent ${what}`}
    >
      {maps.map((rgba, c) => (
        <PixelCanvas
          key={c}
          rgba={rgba}
          width={size}
          height={size}
          label={`Latent channel ${c + 1} of ${channels} at ${what}`}
          className="pixels latent"
        />
      ))}
    </div>
  );
}
