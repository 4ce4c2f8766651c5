import { describe, expect, it } from 'vitest';
import { pcaRgb } from './pcaRgb';

describe('PCA to RGB', () => {
  it('puts the main direction of variation into red', () => {
    // 4 channels over a 2×4 map; every channel follows the x position, so one component explains all.
    const H = 2;
    const W = 4;
    const C = 4;
    const data = new Float32Array(C * H * W);
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) data[c * H * W + y * W + x] = x * (c + 1);
    const r = pcaRgb(data, C, H, W);
    expect(r.explained[0]).toBeCloseTo(1, 9);
    expect(r.explained[1]).toBeCloseTo(0, 9);
    const red = Array.from({ length: W }, (_, x) => r.rgba[x * 4]!);
    // stretched to 0..255 along x (sign fixed by the PCA)
    expect([red[0]!, red[3]!].sort((a, b) => a - b)).toEqual([0, 255]);
    expect(Math.abs(red[1]! - red[0]!)).toBe(85);
    for (let i = 0; i < H * W; i++) {
      expect(r.rgba[i * 4 + 1]).toBe(0);
      expect(r.rgba[i * 4 + 3]).toBe(255);
    }
  });
  it('copes with fewer than 3 channels', () => {
    const r = pcaRgb([0, 1, 2, 3, 5, 1, 0, 2], 2, 2, 2);
    expect(r.explained).toHaveLength(2);
    for (let i = 0; i < 4; i++) expect(r.rgba[i * 4 + 2]).toBe(0);
  });
});
