import * as d3 from 'd3';
import type { BestCell, SweepGrid } from '../../core/heads/sweep';

const CELL_W = 44;
const CELL_H = 18;
const LEFT = 44;
const TOP = 22;

/** Test accuracy per block (rows) × t (columns); the best cell outlined. */
export function SweepHeatmap({ grid, best }: { grid: SweepGrid; best: BestCell | null }) {
  const done = grid.acc.flat().filter(Number.isFinite);
  const lo = done.length ? Math.min(...done) : 0;
  const hi = done.length ? Math.max(...done) : 1;
  const color = d3.scaleSequential(d3.interpolateViridis).domain([lo, hi === lo ? lo + 1e-6 : hi]);
  const width = LEFT + grid.ts.length * CELL_W + 4;
  const height = TOP + grid.blocks.length * CELL_H + 4;
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
                  fill={Number.isFinite(v) ? color(v) : '#1e293b'}
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
                    fill={v > (lo + hi) / 2 ? '#0f172a' : '#e2e8f0'}
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
