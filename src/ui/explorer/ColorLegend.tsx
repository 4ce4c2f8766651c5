import { colormapGradient, type ColormapName } from '../../core/explorer/colormap';
import type { NormMode, Range } from '../../core/explorer/normalise';

const NORM_TEXT: Record<NormMode, string> = {
  channel: 'each channel on its own range (legend: the large map’s)',
  block: 'one range for the whole block',
  global: 'one range across blocks and timesteps seen so far',
};

function fmt(v: number): string {
  return Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(3);
}

export function ColorLegend({
  name,
  range,
  norm,
}: {
  name: ColormapName;
  range: Range;
  norm: NormMode;
}) {
  return (
    <div
      className="legend"
      role="img"
      aria-label={`Colour scale from ${fmt(range.lo)} to ${fmt(range.hi)}`}
    >
      <span data-testid="legend-lo">{fmt(range.lo)}</span>
      <span className="legend-bar" style={{ background: colormapGradient(name) }} />
      <span data-testid="legend-hi">{fmt(range.hi)}</span>
      <span className="muted legend-note">{NORM_TEXT[norm]}</span>
    </div>
  );
}
