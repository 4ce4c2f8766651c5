import { useEffect } from 'react';
import type { ModelManifest } from '../../core/manifest/types';
import { startCorrespondence } from '../../engine/app';
import { useAppStore } from '../../store';
import { CorrespondenceSweep } from './CorrespondenceSweep';
import { MatchView } from './MatchView';
import { TargetPicker } from './TargetPicker';
import './correspondence.css';

/**
 * Dense correspondence (DIFT): a point of the explored image is matched in a target by the
 * cosine similarity of the current block's features, upsampled to image resolution.
 */
export function CorrespondenceSection({ manifest }: { manifest: ModelManifest }) {
  useEffect(() => startCorrespondence(), []);
  const samples = useAppStore((s) => s.correspondence.samples);
  const status = useAppStore((s) => s.correspondence.status);
  const error = useAppStore((s) => s.correspondence.error);
  const mapsMs = useAppStore((s) => s.correspondence.mapsMs);
  const noise = useAppStore((s) => s.explorer.selection.noise);
  const { block, t } = useAppStore((s) => s.explorer.selection);
  const set = useAppStore((s) => s.setCorrespondence);
  const select = useAppStore((s) => s.select);
  const { size: S, channels: C, range } = manifest.image;
  return (
    <section
      className="correspondence"
      aria-labelledby="corr-heading"
      aria-busy={status === 'loading'}
    >
      <h2 id="corr-heading">Correspondence</h2>
      <p className="muted">
        Click a point on the source: block {block}’s features at t = {t}, bilinearly upsampled to{' '}
        {S}×{S} as DIFT does, are compared by cosine similarity with every pixel of the target.
      </p>
      <div className="corr-controls">
        <TargetPicker S={S} C={C} />
        <label>
          noise samples{' '}
          <input
            type="number"
            min={1}
            max={8}
            step={1}
            value={samples}
            disabled={noise === 'none'}
            onChange={(e) => {
              const k = Number(e.target.value);
              if (Number.isInteger(k) && k >= 1 && k <= 8) set({ samples: k });
            }}
          />
        </label>
        <button type="button" onClick={() => select({ t: 0, noise: 'none' })}>
          Clean features (t = 0, no noise)
        </button>
        <span className="muted" data-testid="corr-status">
          {status === 'loading'
            ? 'computing the maps…'
            : status === 'ready'
              ? `maps in ${mapsMs.toFixed(0)} ms${noise === 'none' ? ' (no noise: one pass)' : ''}`
              : ''}
        </span>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <MatchView S={S} C={C} range={range} />
      <CorrespondenceSweep manifest={manifest} />
    </section>
  );
}
