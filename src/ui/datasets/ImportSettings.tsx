import { useAppStore } from '../../store';
import type { FitMode } from '../../core/image/prepare';

/** How the next import is prepared: the fit, and the split of a set without its own. */
export function ImportSettings() {
  const fit = useAppStore((s) => s.datasets.fit);
  const split = useAppStore((s) => s.datasets.split);
  const set = useAppStore((s) => s.setImportSettings);
  const image = useAppStore((s) => s.model.summary?.manifest?.image ?? null);
  const size = image?.size ?? 32;
  const grey = (image?.channels ?? 1) === 1;
  return (
    <fieldset className="ds-settings">
      <legend>New imports</legend>
      <p className="ds-hint">
        Images are stored at the current model&apos;s size: {size}×{size} {grey ? 'grey' : 'RGB'}.
      </p>
      <label>
        Fit{' '}
        <select value={fit} onChange={(e) => set({ fit: e.target.value as FitMode })}>
          <option value="crop">centre-crop to a square</option>
          <option value="pad">pad to a square</option>
        </select>
      </label>
      <label>
        Test share{' '}
        <input
          type="number"
          min={5}
          max={50}
          step={5}
          value={Math.round(split.testFraction * 100)}
          onChange={(e) => set({ split: { ...split, testFraction: Number(e.target.value) / 100 } })}
        />
        %
      </label>
      <label>
        Split seed{' '}
        <input
          type="number"
          min={0}
          step={1}
          value={split.seed}
          onChange={(e) =>
            set({ split: { ...split, seed: Math.max(0, Math.floor(Number(e.target.value))) } })
          }
        />
      </label>
    </fieldset>
  );
}
