import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../manifest/types';
import { neighbourBlock, unetLayout } from './unetLayout';

const manifest = JSON.parse(
  readFileSync('public/models/fmnist-adm-s/manifest.json', 'utf8'),
) as ModelManifest;

describe('U-Net layout', () => {
  const layout = unetLayout(manifest.blocks, { step: 10, rowHeight: 100, top: 50, margin: 5 });
  const at = (i: number) => layout.boxes.find((b) => b.index === i)!;

  it('draws encoder down, middle at the bottom, decoder up', () => {
    expect(layout.levels).toBe(3);
    expect([1, 4, 7, 10, 13, 16, 19].map((i) => at(i).level)).toEqual([0, 1, 2, 2, 1, 0, 0]);
    expect(at(10).stage).toBe('middle');
    expect(at(1).y).toBe(50);
    expect(at(10).y).toBe(250);
    expect(at(1).x).toBe(5);
    expect(at(19).x).toBe(185);
    expect(layout.width).toBe(190);
  });
  it('links each decoder block to the encoder block it mirrors', () => {
    expect(layout.skips).toHaveLength(9);
    expect(layout.skips).toContainEqual({ from: 1, to: 19 });
    expect(layout.skips).toContainEqual({ from: 9, to: 11 });
    for (const s of layout.skips) expect(s.from + s.to).toBe(20);
  });
  it('steps between blocks with the arrow keys and stops at the ends', () => {
    const idx = manifest.blocks.map((b) => b.index);
    expect(neighbourBlock(idx, 5, 1)).toBe(6);
    expect(neighbourBlock(idx, 1, -1)).toBe(1);
    expect(neighbourBlock(idx, 19, 1)).toBe(19);
    expect(neighbourBlock(idx, 99, 1)).toBe(1);
  });
});
