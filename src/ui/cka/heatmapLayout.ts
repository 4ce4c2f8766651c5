/** Geometry of the CKA heatmap canvas: labels left and below, the cells, a colour bar right. */
export interface HeatmapLayout {
  rows: number;
  cols: number;
  cell: number;
  left: number;
  top: number;
  /** Colour bar: x, width; spans the cells' height. */
  barX: number;
  barW: number;
  width: number;
  height: number;
}

export function heatmapLayout(
  rows: number,
  cols: number,
  labelWidth: number,
  maxSide = 520,
  minWidth = 0,
): HeatmapLayout {
  const cell = Math.max(6, Math.min(40, Math.floor(maxSide / Math.max(rows, cols, 1))));
  const left = labelWidth + 8;
  const top = 36;
  const barX = left + cols * cell + 24;
  const barW = 14;
  return {
    rows,
    cols,
    cell,
    left,
    top,
    barX,
    barW,
    width: Math.max(barX + barW + 44, minWidth),
    height: top + rows * cell + labelWidth + 8,
  };
}

/** The cell under a point of the canvas (CSS pixels), or null. */
export function cellAt(
  l: HeatmapLayout,
  x: number,
  y: number,
): { row: number; col: number } | null {
  const col = Math.floor((x - l.left) / l.cell);
  const row = Math.floor((y - l.top) / l.cell);
  if (x < l.left || y < l.top || col >= l.cols || row >= l.rows) return null;
  return { row, col };
}
