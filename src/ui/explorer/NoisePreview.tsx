import { useMemo } from 'react';
import { formatSnr, snrInfo } from '../../core/explorer/timestep';
import { imageToRgba } from '../../core/explorer/pixels';
import { buildInputs } from '../../core/features/batch';
import type { ModelManifest } from '../../core/manifest/types';
import type { Schedule } from '../../core/schedule';
import { useAppStore } from '../../store';
import { LatentChannels } from './LatentChannels';
import { PixelCanvas } from './PixelCanvas';

/**
 * The image at x0 and at x_t, and the signal-to-noise ratio at t: what t means. A latent model
 * (manifest `encoder`) shows its latent's channels instead, as the U-Net takes them.
 */
export function NoisePreview({
  manifest,
  schedule,
}: {
  manifest: ModelManifest;
  schedule: Schedule;
}) {
  const stored = useAppStore((s) => s.explorer.image);
  const { t, seed, noise } = useAppStore((s) => s.explorer.selection);
  const { size: S, channels: C, range } = manifest.image;
  // Just after another model loads, the image is still the one made for the previous model.
  const image = stored && stored.x0.length === C * S * S ? stored : null;
  const x0 = useMemo(
    () => (image ? imageToRgba(image.x0, C, S, S, range) : null),
    [image, C, S, range],
  );
  const xt = useMemo(() => {
    if (!image || t >= schedule.T) return null;
    const { x } = buildInputs([{ id: image.id, x0: image.x0 }], [C, S, S], schedule, {
      t,
      seed,
      noise,
    });
    return imageToRgba(x, C, S, S, range);
  }, [image, t, seed, noise, C, S, schedule, range]);
  const latent = useLatent(manifest, stored, { t, seed, noise }, schedule);
  if (t >= schedule.T) return null;
  const info = snrInfo(schedule, t);
  return (
    <div className="noise-preview">
      {latent ? (
        <>
          <figure>
            <LatentChannels {...latent} data={latent.x0} what="x0" testId="latent-x0" />
            <figcaption>x₀ latent ({latent.channels} channels)</figcaption>
          </figure>
          {latent.xt && (
            <figure>
              <LatentChannels
                {...latent}
                data={latent.xt}
                what={`x_t, t = ${t}`}
                testId="latent-xt"
              />
              <figcaption>{noise === 'none' ? `x₀ fed at t = ${t}` : `x_t, t = ${t}`}</figcaption>
            </figure>
          )}
        </>
      ) : (
        <>
          <figure>
            {x0 && (
              <PixelCanvas
                rgba={x0}
                width={S}
                height={S}
                label="The image at x0"
                className="thumb"
              />
            )}
            <figcaption>x₀</figcaption>
          </figure>
          <figure>
            {xt && (
              <PixelCanvas
                rgba={xt}
                width={S}
                height={S}
                label={`The image at x_t, t = ${t}`}
                className="thumb"
                testId="xt"
              />
            )}
            <figcaption>{noise === 'none' ? `x₀ fed at t = ${t}` : `x_t, t = ${t}`}</figcaption>
          </figure>
        </>
      )}
      <dl className="snr" aria-label="Signal-to-noise ratio">
        <dt>SNR at t</dt>
        <dd data-testid="snr">{formatSnr(info)}</dd>
        <dt>x_t =</dt>
        <dd>
          {info.signal.toFixed(3)}·x₀ + {info.noise.toFixed(3)}·ε
        </dd>
      </dl>
    </div>
  );
}

/** A latent model's x0 (from the worker's encoder) and its x_t, or null for a pixel model. */
function useLatent(
  manifest: ModelManifest,
  image: { id: string; latent?: Float32Array } | null,
  req: { t: number; seed: number; noise: 'seeded' | 'none' },
  schedule: Schedule,
) {
  const enc = manifest.encoder;
  const z = image?.latent;
  const { t, seed, noise } = req;
  return useMemo(() => {
    if (!enc || !z || !image) return null;
    const { channels: C, size: S } = enc.latent;
    if (z.length !== C * S * S) return null;
    const xt =
      t < schedule.T
        ? buildInputs([{ id: image.id, x0: z }], [C, S, S], schedule, { t, seed, noise }).x
        : null;
    return { x0: z, xt, channels: C, size: S };
  }, [enc, z, image, t, seed, noise, schedule]);
}
