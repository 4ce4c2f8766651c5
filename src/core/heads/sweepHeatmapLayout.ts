/**
 * The block × t heatmap's geometry and colours, shared by the Heads panel (SVG in React) and
 * `diffprobe sweep`'s heatmap.png, so the two pictures are the same: viridis over the finished
 * cells, one row per block, one column per t.
 */
import * as d3 from 'd3';
import type { SweepGrid } from './sweep';

export const HEATMAP_CELL_W = 44;
export const HEATMAP_CELL_H = 18;
export const HEATMAP_LEFT = 44;
export const HEATMAP_TOP = 22;
/** Fill of a cell that has no accuracy yet. */
export const HEATMAP_PENDING = '#1e293b';

export interface HeatmapLayout {
  width: number;
  height: number;
  /** Range of the finished cells (the colour scale's domain). */
  lo: number;
  hi: number;
  /** A finished cell's fill, as #rrggbb. */
  fill: (accuracy: number) => string;
  /** Dark ink on the bright half of the scale, light ink on the dark half. */
  ink: (accuracy: number) => string;
}

export function heatmapLayout(grid: SweepGrid): HeatmapLayout {
  const done = grid.acc.flat().filter(Number.isFinite);
  const lo = done.length ? Math.min(...done) : 0;
  const hi = done.length ? Math.max(...done) : 1;
  const color = d3.scaleSequential(d3.interpolateViridis).domain([lo, hi === lo ? lo + 1e-6 : hi]);
  return {
    width: HEATMAP_LEFT + grid.ts.length * HEATMAP_CELL_W + 4,
    height: HEATMAP_TOP + grid.blocks.length * HEATMAP_CELL_H + 4,
    lo,
    hi,
    fill: (v) => d3.color(color(v))!.formatHex(),
    ink: (v) => (v > (lo + hi) / 2 ? '#0f172a' : '#e2e8f0'),
  };
}
