import { startTour } from '../engine/app';
import { useAppStore } from '../store';
import { BackendBadge } from './BackendBadge';

export function Header() {
  const largeText = useAppStore((s) => s.largeText);
  const setLargeText = useAppStore((s) => s.setLargeText);
  return (
    <header className="header">
      <div className="brand">
        <h1>diffprobe</h1>
        <p className="tagline">
          What a diffusion U-Net sees: its block features, timestep by timestep, on your machine.
        </p>
      </div>
      <div className="header-tools">
        <button type="button" id="start-tour" onClick={() => startTour()}>
          Start the tour
        </button>
        <BackendBadge />
        <label className="toggle">
          <input
            type="checkbox"
            checked={largeText}
            onChange={(e) => setLargeText(e.target.checked)}
          />
          Large text
        </label>
      </div>
    </header>
  );
}
