import { useMemo, useState } from 'react';
import { imageToRgba } from '../../core/explorer/pixels';
import type { ModelManifest } from '../../core/manifest/types';
import { showImage } from '../../engine/app';
import { cancelSamples, generateSamples } from '../../engine/app';
import { useAppStore } from '../../store';
import { PixelCanvas } from './PixelCanvas';

/** The "unified" half: the same model generates images (DDIM); any sample can be explored. */
export function Samples({ manifest }: { manifest: ModelManifest }) {
  const samples = useAppStore((s) => s.explorer.samples);
  const [n, setN] = useState(samples.n);
  const [steps, setSteps] = useState(samples.steps);
  const [seed, setSeed] = useState(samples.seed);
  const { size: S, channels: C, range } = manifest.image;
  const T = manifest.schedule?.T ?? 1000;
  const running = samples.status === 'running';
  const pictures = useMemo(() => {
    const x = samples.x;
    if (!x) return [];
    const len = C * S * S;
    const count = Math.floor(x.length / len);
    return Array.from({ length: count }, (_, i) =>
      imageToRgba(x.subarray(i * len, (i + 1) * len), C, S, S, range),
    );
  }, [samples.x, C, S, range]);
  const num = (v: string, lo: number, hi: number, set: (n: number) => void) => {
    const k = Math.round(Number(v));
    if (Number.isFinite(k)) set(Math.min(hi, Math.max(lo, k)));
  };
  return (
    <section className="samples" aria-labelledby="samples-heading">
      <h3 id="samples-heading">Generate with the same model</h3>
      <p className="muted">
        The network whose features you explore also generates images: DDIM (η = 0) from pure noise.
      </p>
      <div className="image-row">
        <label>
          Samples{' '}
          <input
            type="number"
            min={1}
            max={16}
            value={n}
            onChange={(e) => num(e.target.value, 1, 16, setN)}
          />
        </label>
        <label>
          DDIM steps{' '}
          <input
            type="number"
            min={1}
            max={Math.min(T, 1000)}
            value={steps}
            onChange={(e) => num(e.target.value, 1, Math.min(T, 1000), setSteps)}
          />
        </label>
        <label>
          Sample seed{' '}
          <input
            type="number"
            min={0}
            value={seed}
            onChange={(e) => num(e.target.value, 0, Number.MAX_SAFE_INTEGER, setSeed)}
          />
        </label>
        {running ? (
          <button type="button" onClick={cancelSamples}>
            Stop sampling
          </button>
        ) : (
          <button type="button" onClick={() => void generateSamples(n, steps, seed)}>
            Generate samples
          </button>
        )}
        <span role="status" data-testid="sample-status">
          {running
            ? `step ${samples.step} of ${samples.steps}${samples.t !== null ? ` (t = ${samples.t})` : ''}`
            : samples.status === 'done'
              ? `${samples.n} samples, ${samples.steps} steps, seed ${samples.seed}`
              : ''}
        </span>
      </div>
      {running && (
        <progress max={samples.steps} value={samples.step} aria-label="Sampling progress" />
      )}
      <ul className="sample-grid" aria-label="Samples">
        {pictures.map((rgba, i) => (
          <li key={i}>
            <PixelCanvas
              rgba={rgba}
              width={S}
              height={S}
              label={`Sample ${i + 1}`}
              className="thumb"
            />
            <button
              type="button"
              disabled={samples.status !== 'done'}
              onClick={() =>
                void showImage({
                  kind: 'sample',
                  seed: samples.seed,
                  steps: samples.steps,
                  index: i,
                })
              }
            >
              Explore sample {i + 1}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
