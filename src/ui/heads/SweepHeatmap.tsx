import type { BestCell, SweepGrid } from '../../core/heads/sweep';
import {
  HEATMAP_CELL_H as CELL_H,
  HEATMAP_CELL_W as CELL_W,
  HEATMAP_LEFT as LEFT,
  HEATMAP_PENDING,
  HEATMAP_TOP as TOP,
  heatmapLayout,
} from '../../core/heads/sweepHeatmapLayout';

/** Test accuracy per block (rows) × t (columns); the best cell outlined. */
export function SweepHeatmap({ grid, best }: { grid: SweepGrid; best: BestCell | null }) {
  const { width, height, fill, ink } = heatmapLayout(grid);
  return (
    <svg
      className="heads-heatmap"
      width={width}
      height={height}
      role="img"
      aria-label="Linear-probe test accuracy, blocks × timesteps"
      data-testid="sweep-heatmap"
    >
      <text x={4} y={14} className="chart-label">
        block \ t
      </text>
      {grid.ts.map((t, j) => (
        <text
          key={t}
          x={LEFT + j * CELL_W + CELL_W / 2}
          y={14}
          textAnchor="middle"
          className="chart-label"
        >
          {t}
        </text>
      ))}
      {grid.blocks.map((b, i) => (
        <g key={b}>
          <text x={LEFT - 6} y={TOP + i * CELL_H + 13} textAnchor="end" className="chart-label">
            {b}
          </text>
          {grid.ts.map((t, j) => {
            const v = grid.acc[i]![j]!;
            const isBest = best && best.block === b && best.t === t;
            return (
              <g key={t} data-testid={isBest ? 'sweep-best' : undefined}>
                <rect
                  x={LEFT + j * CELL_W}
                  y={TOP + i * CELL_H}
                  width={CELL_W - 1}
                  height={CELL_H - 1}
                  fill={Number.isFinite(v) ? fill(v) : HEATMAP_PENDING}
                  stroke={isBest ? '#fbbf24' : 'none'}
                  strokeWidth={isBest ? 3 : 0}
                >
                  <title>{`block ${b}, t=${t}: ${Number.isFinite(v) ? (100 * v).toFixed(2) + '%' : 'pending'}`}</title>
                </rect>
                {Number.isFinite(v) && (
                  <text
                    x={LEFT + j * CELL_W + CELL_W / 2}
                    y={TOP + i * CELL_H + 13}
                    textAnchor="middle"
                    className="heatmap-value"
                    fill={ink(v)}
                  >
                    {(100 * v).toFixed(1)}
                  </text>
                )}
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}
