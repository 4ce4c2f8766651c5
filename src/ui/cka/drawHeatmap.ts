import { interpolateViridis } from 'd3';
import type { LabelledMatrix } from '../../core/cka/matrix';
import type { HeatmapLayout } from './heatmapLayout';

/** Colour of a CKA value on the fixed [0, 1] scale (values outside are clamped; NaN grey). */
export function ckaColour(v: number): string {
  if (!Number.isFinite(v)) return '#888';
  return interpolateViridis(Math.max(0, Math.min(1, v)));
}

/**
 * Draws the whole figure (title, cells, row labels, rotated column labels, colour bar with
 * ticks, the active cell's outline) into a context already scaled to CSS pixels, so the same
 * drawing serves the screen and the PNG export.
 */
export function drawHeatmap(
  g: CanvasRenderingContext2D,
  m: LabelledMatrix,
  l: HeatmapLayout,
  active: { row: number; col: number } | null,
): void {
  g.fillStyle = '#fff';
  g.fillRect(0, 0, l.width, l.height);
  g.fillStyle = '#111';
  g.font = '12px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.fillText(m.title, 4, 12);
  for (let i = 0; i < l.rows; i++) {
    for (let j = 0; j < l.cols; j++) {
      g.fillStyle = ckaColour(m.values[i * l.cols + j]!);
      g.fillRect(l.left + j * l.cell, l.top + i * l.cell, l.cell, l.cell);
    }
  }
  const fontPx = Math.min(12, Math.max(8, l.cell - 2));
  g.font = `${fontPx}px system-ui, sans-serif`;
  g.fillStyle = '#111';
  g.textAlign = 'right';
  m.rowLabels.forEach((label, i) => g.fillText(label, l.left - 4, l.top + (i + 0.5) * l.cell));
  g.save();
  const bottom = l.top + l.rows * l.cell;
  m.colLabels.forEach((label, j) => {
    g.save();
    g.translate(l.left + (j + 0.5) * l.cell, bottom + 4);
    g.rotate(-Math.PI / 2);
    g.fillText(label, 0, 0);
    g.restore();
  });
  g.restore();
  g.textAlign = 'left';
  // colour bar, 1 at the top
  const h = l.rows * l.cell;
  for (let y = 0; y < h; y++) {
    g.fillStyle = ckaColour(1 - y / Math.max(1, h - 1));
    g.fillRect(l.barX, l.top + y, l.barW, 1);
  }
  g.strokeStyle = '#111';
  g.strokeRect(l.barX, l.top, l.barW, h);
  g.fillStyle = '#111';
  g.font = '11px system-ui, sans-serif';
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    const y = l.top + (1 - v) * h;
    g.fillRect(l.barX + l.barW, y, 4, 1);
    g.fillText(v.toFixed(2), l.barX + l.barW + 6, y);
  }
  g.fillText('CKA', l.barX - 2, l.top - 14);
  if (active) {
    g.strokeStyle = '#ff2d55';
    g.lineWidth = 2;
    g.strokeRect(
      l.left + active.col * l.cell + 1,
      l.top + active.row * l.cell + 1,
      l.cell - 2,
      l.cell - 2,
    );
    g.lineWidth = 1;
  }
}

/** Width of the longest label in the figure's label font. */
export function labelWidth(labels: readonly string[], fontPx = 12): number {
  const c = document.createElement('canvas').getContext('2d');
  if (!c) return 120;
  c.font = `${fontPx}px system-ui, sans-serif`;
  return Math.ceil(Math.max(40, ...labels.map((s) => c.measureText(s).width)));
}
