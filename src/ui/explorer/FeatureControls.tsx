import { COLORMAPS, type ColormapName } from '../../core/explorer/colormap';
import type { ChannelOrder, NormMode } from '../../core/explorer/normalise';
import { useAppStore } from '../../store';

/** How the maps are drawn: channel order, normalisation, colour map, overlay. */
export function FeatureControls() {
  const view = useAppStore((s) => s.explorer.view);
  const setView = useAppStore((s) => s.setExplorerView);
  const setGlobalRange = useAppStore((s) => s.setGlobalRange);
  return (
    <div className="feature-controls">
      <label>
        Sort channels{' '}
        <select
          value={view.order}
          onChange={(e) => setView({ order: e.target.value as ChannelOrder, page: 0 })}
        >
          <option value="variance">by variance</option>
          <option value="index">by index</option>
        </select>
      </label>
      <label>
        Normalise{' '}
        <select value={view.norm} onChange={(e) => setView({ norm: e.target.value as NormMode })}>
          <option value="channel">per channel</option>
          <option value="block">per block</option>
          <option value="global">globally</option>
        </select>
      </label>
      {view.norm === 'global' && (
        <button type="button" onClick={() => setGlobalRange(null)}>
          Reset global range
        </button>
      )}
      <label>
        Colours{' '}
        <select
          value={view.colormap}
          onChange={(e) => setView({ colormap: e.target.value as ColormapName })}
        >
          {COLORMAPS.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={view.overlay}
          onChange={(e) => setView({ overlay: e.target.checked })}
        />{' '}
        Overlay on the input image
      </label>
    </div>
  );
}
