import { useEffect, useMemo, useRef, useState } from 'react';
import { matrixToCsv, type LabelledMatrix } from '../../core/cka/matrix';
import { download, slug } from './download';
import { drawHeatmap, labelWidth } from './drawHeatmap';
import { cellAt, heatmapLayout } from './heatmapLayout';

interface Props {
  matrix: LabelledMatrix;
  selectedRow: number | null;
  onSelectRow: (row: number) => void;
}

type Cell = { row: number; col: number };

/**
 * A CKA matrix on canvas: hover (or arrow keys on the focused figure) shows the value and both
 * labels; click or Enter picks the row for the 2-D map; CSV and PNG export.
 */
export function MatrixView({ matrix, selectedRow, onSelectRow }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [active, setActive] = useState<Cell | null>(null);
  const layout = useMemo(
    () =>
      heatmapLayout(
        matrix.rowLabels.length,
        matrix.colLabels.length,
        labelWidth([...matrix.rowLabels, ...matrix.colLabels]),
        520,
        labelWidth([matrix.title]) + 12,
      ),
    [matrix],
  );

  useEffect(() => {
    const c = canvas.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(layout.width * dpr);
    c.height = Math.round(layout.height * dpr);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawHeatmap(g, matrix, layout, active);
  }, [matrix, layout, active]);

  const value = active ? matrix.values[active.row * layout.cols + active.col]! : null;

  function onKey(e: React.KeyboardEvent) {
    const cur = active ?? { row: 0, col: 0 };
    const move: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const d = move[e.key];
    if (d) {
      e.preventDefault();
      setActive({
        row: Math.max(0, Math.min(layout.rows - 1, cur.row + d[0])),
        col: Math.max(0, Math.min(layout.cols - 1, cur.col + d[1])),
      });
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelectRow(cur.row);
    }
  }

  function exportPng() {
    const c = document.createElement('canvas');
    const scale = 2;
    c.width = layout.width * scale;
    c.height = layout.height * scale;
    const g = c.getContext('2d');
    if (!g) return;
    g.scale(scale, scale);
    drawHeatmap(g, matrix, layout, null);
    c.toBlob((blob) => blob && download(`${slug(matrix.title)}.png`, blob), 'image/png');
  }

  function exportCsv() {
    download(`${slug(matrix.title)}.csv`, new Blob([matrixToCsv(matrix)], { type: 'text/csv' }));
  }

  return (
    <figure className="cka-matrix">
      <canvas
        ref={canvas}
        style={{ width: layout.width, height: layout.height }}
        tabIndex={0}
        role="img"
        aria-label={`${matrix.title}. Use the arrow keys to read values; Enter shows the row's 2-D map.`}
        data-testid="cka-matrix"
        onMouseMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setActive(cellAt(layout, e.clientX - r.left, e.clientY - r.top));
        }}
        onMouseLeave={() => setActive(null)}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const cell = cellAt(layout, e.clientX - r.left, e.clientY - r.top);
          if (cell) onSelectRow(cell.row);
        }}
        onKeyDown={onKey}
      />
      <figcaption>
        <output className="cka-readout" aria-live="polite" data-testid="cka-readout">
          {active && value !== null
            ? `${matrix.rowLabels[active.row]} × ${matrix.colLabels[active.col]}: CKA ${Number.isFinite(value) ? value.toFixed(4) : 'undefined (constant features)'}`
            : 'Hover a cell (or focus the matrix and use the arrow keys) to read its value.'}
        </output>
        {selectedRow !== null && (
          <span className="muted"> · map: {matrix.rowLabels[selectedRow]}</span>
        )}
        <span className="cka-export">
          <button type="button" onClick={exportCsv}>
            Export CSV
          </button>
          <button type="button" onClick={exportPng}>
            Export PNG
          </button>
        </span>
      </figcaption>
    </figure>
  );
}
