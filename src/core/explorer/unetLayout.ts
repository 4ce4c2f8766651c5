/**
 * Where each block of a U-Net goes in the diagram: blocks left to right in execution order,
 * each resolution one row lower (encoder down, middle at the bottom, decoder up), and the skip
 * connections from each decoder block to the encoder block it mirrors.
 */
import type { BlockInfo } from '../manifest/types';

export interface BlockBox {
  index: number;
  stage: BlockInfo['stage'];
  /** Centre, in diagram units. */
  x: number;
  y: number;
  /** Row: 0 for the largest resolution. */
  level: number;
  channels: number;
  height: number;
  width: number;
}

export interface SkipLink {
  from: number;
  to: number;
}

export interface UnetLayout {
  boxes: BlockBox[];
  skips: SkipLink[];
  levels: number;
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** Horizontal distance between block centres. */
  step: number;
  /** Vertical distance between resolution rows. */
  rowHeight: number;
  /** Space above the first row (for the skip arcs). */
  top: number;
  margin: number;
}

const DEFAULTS: LayoutOptions = { step: 44, rowHeight: 70, top: 70, margin: 30 };

export function unetLayout(blocks: readonly BlockInfo[], opts: Partial<LayoutOptions> = {}) {
  const o = { ...DEFAULTS, ...opts };
  const sorted = [...blocks].sort((a, b) => a.index - b.index);
  const sizes = [...new Set(sorted.map((b) => b.height * b.width))].sort((a, b) => b - a);
  const boxes: BlockBox[] = sorted.map((b, i) => {
    const level = sizes.indexOf(b.height * b.width);
    return {
      index: b.index,
      stage: b.stage,
      x: o.margin + i * o.step,
      y: o.top + level * o.rowHeight,
      level,
      channels: b.channels,
      height: b.height,
      width: b.width,
    };
  });
  const known = new Set(sorted.map((b) => b.index));
  const skips: SkipLink[] = sorted
    .filter((b) => b.stage === 'decoder' && b.mirror !== undefined && known.has(b.mirror))
    .map((b) => ({ from: b.mirror!, to: b.index }));
  const result: UnetLayout = {
    boxes,
    skips,
    levels: sizes.length,
    width: o.margin * 2 + Math.max(0, sorted.length - 1) * o.step,
    height: o.top + Math.max(0, sizes.length - 1) * o.rowHeight + o.margin + 20,
  };
  return result;
}

/** The block after (+1) or before (−1) `index`, for arrow keys; stays at the ends. */
export function neighbourBlock(blocks: readonly number[], index: number, delta: number): number {
  const sorted = [...blocks].sort((a, b) => a - b);
  const i = sorted.indexOf(index);
  if (i < 0) return sorted[0] ?? index;
  return sorted[Math.min(sorted.length - 1, Math.max(0, i + delta))]!;
}
