/**
 * What a sweep run in the app records next to its grid, in sweep.json's shape
 * (src/core/sweep/result.ts), so that "Export sweep result" writes what `diffprobe sweep` writes.
 */
import type { ConditioningRecord } from '../../core/conditioning/conditioning';
import type { TrainConfig } from '../../core/heads/optim';
import type { SweepStep } from '../../core/heads/sweep';
import { storedDatasetId } from '../../core/sweep/datasetRef';
import type { SweepRecord } from '../../core/sweep/result';
import type { DatasetMeta } from '../../protocol/datasets';
import type { LabeledImages } from '../datasets/access';
import type { DiffusionManifest } from '../model/manifest';
import { HEADS_NOISE_SEED } from '../heads/features';

export interface RecordInputs {
  manifest: DiffusionManifest;
  plan: readonly SweepStep[];
  config: TrainConfig;
  pool: number;
  conditioning: ConditioningRecord[];
  /** The dataset the sweep read, and the images it used of each split. */
  data: LabeledImages;
  images: { train: number; test: number };
  /** The stored datasets (the one read gives the split and fit it was imported with). */
  stored: readonly DatasetMeta[];
}

export function sweepRecord(i: RecordInputs): SweepRecord {
  const meta = i.stored.find((m) => storedDatasetId(m.id) === i.data.id);
  // The demo set and a dataset imported with train/ and test/ keep their own split.
  const seeded = meta !== undefined && !meta.ownSplit;
  return {
    format: 'diffprobe-sweep',
    version: 1,
    model: { id: i.manifest.id, sha256: i.manifest.sha256, file: i.manifest.file },
    ...(i.conditioning.length ? { conditioning: i.conditioning } : {}),
    dataset: { id: i.data.id, source: i.data.name, classes: [...i.data.classes], images: i.images },
    split: seeded
      ? { kind: 'seeded', testFraction: meta.split.testFraction }
      : { kind: 'dataset', testFraction: null },
    seeds: { noise: HEADS_NOISE_SEED, split: seeded ? meta.split.seed : 0, train: i.config.seed },
    pool: i.pool,
    fit: meta?.fit ?? 'crop',
    train: { ...i.config },
    blocks: [...i.plan[0]!.blocks],
    ts: i.plan.map((s) => s.t),
    skipped: [],
    // The app extracts every image at each t in one pass over the set: one shard of all images.
    shards: { count: 1, size: i.images.train + i.images.test },
  };
}
