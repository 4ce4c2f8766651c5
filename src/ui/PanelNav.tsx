import { PANELS } from '../store/slices/view';
import type { PanelId } from '../store/slices/view';
import { useAppStore } from '../store';

export const PANEL_TITLES: Record<PanelId, string> = {
  explorer: 'Explorer',
  datasets: 'Datasets',
  heads: 'Heads',
  cka: 'CKA',
  system: 'System check',
};

export function PanelNav() {
  const panel = useAppStore((s) => s.panel);
  const setPanel = useAppStore((s) => s.setPanel);
  return (
    <nav className="nav" aria-label="Panels">
      <div role="tablist" aria-orientation="vertical">
        {PANELS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={panel === id}
            aria-controls="panel"
            onClick={() => setPanel(id)}
          >
            {PANEL_TITLES[id]}
          </button>
        ))}
      </div>
    </nav>
  );
}
