import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN } from '../../core/heads/optim';
import type { DatasetMeta } from '../../protocol/datasets';
import type { DiffusionManifest } from '../model/manifest';
import { tinyDataset } from '../testing/fakes';
import { sweepRecord } from './record';

const manifest = { id: 'm', sha256: 'ab', file: 'model.onnx' } as DiffusionManifest;
const plan = [
  { t: 10, blocks: [1, 2] },
  { t: 50, blocks: [1, 2] },
];

function recordOn(stored: Partial<DatasetMeta>[]) {
  return sweepRecord({
    manifest,
    plan,
    config: { ...DEFAULT_TRAIN, epochs: 3, seed: 5 },
    pool: 2,
    conditioning: [],
    data: { ...tinyDataset(), id: 'stored:d1', name: 'Leaves' },
    images: { train: 4, test: 2 },
    stored: stored as DatasetMeta[],
  });
}

describe('what a sweep run in the app records for sweep.json', () => {
  it("a stored dataset split by seed: its fraction, seed and fit; its own split: the dataset's", () => {
    const seeded = recordOn([
      { id: 'd1', ownSplit: false, split: { seed: 9, testFraction: 0.25 }, fit: 'pad' },
    ]);
    expect(seeded).toMatchObject({
      split: { kind: 'seeded', testFraction: 0.25 },
      seeds: { split: 9, train: 5 },
      fit: 'pad',
      dataset: { id: 'stored:d1', source: 'Leaves', images: { train: 4, test: 2 } },
      blocks: [1, 2],
      ts: [10, 50],
    });
    expect(seeded.conditioning).toBeUndefined();
    const own = recordOn([{ id: 'd1', ownSplit: true, split: { seed: 9, testFraction: 0.25 } }]);
    expect(own.split).toEqual({ kind: 'dataset', testFraction: null });
    // Another stored dataset's settings are not taken for this one.
    expect(recordOn([{ id: 'd2', ownSplit: false, fit: 'pad' }]).fit).toBe('crop');
  });
});
