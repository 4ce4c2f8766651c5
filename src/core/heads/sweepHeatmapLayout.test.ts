import { describe, expect, it } from 'vitest';
import { heatmapLayout } from './sweepHeatmapLayout';

describe('heatmapLayout', () => {
  const grid = {
    blocks: [1, 2, 3],
    ts: [10, 90],
    acc: [
      [0.5, NaN],
      [0.7, 0.9],
      [NaN, 0.6],
    ],
  };

  it('spans the finished cells only, viridis from dark to yellow', () => {
    const l = heatmapLayout(grid);
    expect([l.lo, l.hi]).toEqual([0.5, 0.9]);
    expect(l.fill(0.5)).toBe('#440154');
    expect(l.fill(0.9)).toBe('#fde725');
    expect(l.ink(0.9)).toBe('#0f172a');
    expect(l.ink(0.5)).toBe('#e2e8f0');
  });

  it('sizes the picture by rows of blocks and columns of t', () => {
    const l = heatmapLayout(grid);
    expect(l.width).toBe(44 + 2 * 44 + 4);
    expect(l.height).toBe(22 + 3 * 18 + 4);
  });
});
