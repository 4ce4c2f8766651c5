import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../manifest/types';
import { compactCount, describeBlocks, describeSchedule, modelFacts } from './modelFacts';

const manifest = JSON.parse(
  readFileSync('public/models/fmnist-adm-s/manifest.json', 'utf8'),
) as ModelManifest;

describe('model facts', () => {
  it('writes counts compactly', () => {
    expect(compactCount(1742881)).toBe('1.74 M');
    expect(compactCount(12500)).toBe('12.5 k');
    expect(compactCount(950)).toBe('950');
    expect(compactCount(725737472)).toBe('726 M');
    expect(compactCount(3.2e9)).toBe('3.20 G');
  });
  it("describes the default model's blocks and schedule", () => {
    expect(describeBlocks(manifest)).toBe('19 blocks: 9 encoder · 1 middle · 9 decoder');
    expect(describeSchedule(manifest)).toBe('linear β 0.0001 … 0.02, T = 1000');
  });
  it('lists parameters, resolution and training data', () => {
    const facts = Object.fromEntries(
      modelFacts(manifest, 7304963, false).map((f) => [f.label, f.value]),
    );
    expect(facts.Parameters).toBe('1.74 M');
    expect(facts.Resolution).toBe('32×32, grey, range [-1, 1]');
    expect(facts['Training data']).toMatch(/^Fashion-MNIST train/);
    expect(facts.File).toBe('7.3 MB');
    expect(facts.Schedule).not.toMatch(/your choice/);
    const mine = Object.fromEntries(modelFacts(manifest, 1, true).map((f) => [f.label, f.value]));
    expect(mine.Schedule).toMatch(/your choice/);
  });
  it('names layers of a classifier', () => {
    const cls: ModelManifest = {
      ...manifest,
      kind: 'classifier',
      blocks: manifest.blocks.slice(0, 4).map((b) => ({ ...b, stage: 'layer' })),
    };
    expect(describeBlocks(cls)).toBe('4 layers');
  });
});
