/** Colour maps as 256-entry RGB tables, and values → RGBA pixels through them. */
import { interpolateRdBu, interpolateViridis } from 'd3';

export type ColormapName = 'viridis' | 'diverging';

export const COLORMAPS: { id: ColormapName; label: string }[] = [
  { id: 'viridis', label: 'Viridis (low → high)' },
  { id: 'diverging', label: 'Blue–white–red (centred on 0)' },
];

function parseRgb(css: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  throw new Error(`unexpected colour ${css}`);
}

const tables = new Map<ColormapName, Uint8Array>();

/** 256 RGB triples, low to high. The diverging map runs blue (low) → white → red (high). */
export function colormapTable(name: ColormapName): Uint8Array {
  let table = tables.get(name);
  if (!table) {
    table = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) {
      const f = i / 255;
      const rgb = parseRgb(name === 'viridis' ? interpolateViridis(f) : interpolateRdBu(1 - f));
      table.set(rgb, i * 3);
    }
    tables.set(name, table);
  }
  return table;
}

/** The table index of v on [lo, hi] (clamped; a flat range maps to the middle). */
export function colorIndex(v: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 128;
  const f = (v - lo) / (hi - lo);
  if (!(f > 0)) return 0;
  if (f >= 1) return 255;
  return Math.round(f * 255);
}

/** `count` values from `data` at `offset` → RGBA pixels coloured on [lo, hi]. */
export function colorize(
  data: ArrayLike<number>,
  offset: number,
  count: number,
  lo: number,
  hi: number,
  name: ColormapName,
  alpha = 255,
): Uint8ClampedArray<ArrayBuffer> {
  const table = colormapTable(name);
  const out = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i++) {
    const k = colorIndex(data[offset + i]!, lo, hi) * 3;
    out[i * 4] = table[k]!;
    out[i * 4 + 1] = table[k + 1]!;
    out[i * 4 + 2] = table[k + 2]!;
    out[i * 4 + 3] = alpha;
  }
  return out;
}

/** A CSS linear-gradient of the map, for the legend. */
export function colormapGradient(name: ColormapName, stops = 9): string {
  const table = colormapTable(name);
  const parts: string[] = [];
  for (let s = 0; s < stops; s++) {
    const i = Math.round((s / (stops - 1)) * 255) * 3;
    parts.push(`rgb(${table[i]}, ${table[i + 1]}, ${table[i + 2]})`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
