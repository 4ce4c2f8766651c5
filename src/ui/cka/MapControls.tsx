import { useAppStore } from '../../store';
import type { MapMethod } from '../../store/slices/cka';

interface Props {
  /** What the map job is doing, while it runs. */
  progress: string | null;
  /** The method changed: redraw the selected row's map. */
  onChange: () => void;
  onCancel: () => void;
}

/** PCA (exact, instant) or UMAP (neighbourhoods, seconds) for the 2-D map; cancel for UMAP. */
export function MapControls({ progress, onChange, onCancel }: Props) {
  const method = useAppStore((s) => s.cka.settings.mapMethod);
  const set = useAppStore((s) => s.setCkaSettings);
  return (
    <div className="cka-map-controls">
      <label>
        2-D map{' '}
        <select
          aria-label="2-D map method"
          value={method}
          onChange={(e) => {
            set({ mapMethod: e.target.value as MapMethod });
            onChange();
          }}
        >
          <option value="pca">PCA (first two components)</option>
          <option value="umap">UMAP (keeps neighbours; a few seconds)</option>
        </select>
      </label>
      {progress && (
        <span role="status" data-testid="cka-map-progress">
          {progress}{' '}
          {method === 'umap' && (
            <button type="button" onClick={onCancel}>
              Cancel map
            </button>
          )}
        </span>
      )}
    </div>
  );
}
