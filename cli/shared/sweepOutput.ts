/**
 * What `diffprobe sweep` writes into --out: sweep.json (src/core/sweep/result.ts), sweep.csv
 * and heatmap.png — the Heads panel's heatmap (blocks × t, viridis over the finished cells, the
 * best cell outlined, values in percent) drawn as SVG and rendered to PNG by sharp.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { bestCell } from '../../src/core/heads/sweep';
import {
  HEATMAP_CELL_H as CELL_H,
  HEATMAP_CELL_W as CELL_W,
  HEATMAP_LEFT as LEFT,
  HEATMAP_PENDING,
  HEATMAP_TOP as TOP,
  heatmapLayout,
} from '../../src/core/heads/sweepHeatmapLayout';
import {
  resultCsv,
  resultGrid,
  serializeSweepResult,
  type SweepResult,
} from '../../src/core/sweep/result';
import { writeAtomic } from './shardRunner';

/** The heatmap as SVG text (the layout of src/ui/heads/SweepHeatmap.tsx). */
export function heatmapSvg(r: Pick<SweepResult, 'blocks' | 'ts' | 'cells'>): string {
  const grid = resultGrid(r);
  const best = bestCell(grid);
  const { width, height, fill: fillOf, ink } = heatmapLayout(grid);
  const text = (x: number, y: number, s: string, anchor: string, fill = '#cbd5e1'): string =>
    `<text x="${x}" y="${y}" text-anchor="${anchor}" fill="${fill}" font-family="sans-serif" font-size="11">${s}</text>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
    `<rect width="${width}" height="${height}" fill="#0f172a"/>`,
    text(4, 14, 'block \\ t', 'start'),
    ...grid.ts.map((t, j) => text(LEFT + j * CELL_W + CELL_W / 2, 14, String(t), 'middle')),
  ];
  grid.blocks.forEach((b, i) => {
    parts.push(text(LEFT - 6, TOP + i * CELL_H + 13, String(b), 'end'));
    grid.ts.forEach((t, j) => {
      const v = grid.acc[i]![j]!;
      const isBest = best !== null && best.block === b && best.t === t;
      const fill = Number.isFinite(v) ? fillOf(v) : HEATMAP_PENDING;
      const stroke = isBest ? ' stroke="#fbbf24" stroke-width="3"' : '';
      parts.push(
        `<rect x="${LEFT + j * CELL_W}" y="${TOP + i * CELL_H}" width="${CELL_W - 1}" height="${CELL_H - 1}" fill="${fill}"${stroke}/>`,
      );
      if (Number.isFinite(v)) {
        parts.push(
          text(
            LEFT + j * CELL_W + CELL_W / 2,
            TOP + i * CELL_H + 13,
            (100 * v).toFixed(1),
            'middle',
            ink(v),
          ),
        );
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes sweep.json, sweep.csv and heatmap.png into `out`; returns their paths. */
export async function writeSweepOutputs(
  out: string,
  result: SweepResult,
): Promise<{ json: string; csv: string; png: string }> {
  mkdirSync(out, { recursive: true });
  const files = {
    json: join(out, 'sweep.json'),
    csv: join(out, 'sweep.csv'),
    png: join(out, 'heatmap.png'),
  };
  const png = await sharp(Buffer.from(heatmapSvg(result)))
    .png()
    .toBuffer();
  writeAtomic(files.png, png);
  writeAtomic(files.csv, resultCsv(result));
  writeAtomic(files.json, serializeSweepResult(result));
  return files;
}
