import type { Conditioning } from '../../core/conditioning/conditioning';
import type { FeatureItem } from '../../core/features/batch';
import type { NoiseMode } from '../../core/features/request';
import { emptyTable, placeRows } from '../../core/heads/table';
import type { FeatureTable } from '../../core/heads/table';
import type { ExtractProgress, ExtractResult } from '../../protocol/model';
import type { LabeledImages } from '../datasets/access';
import type { UnetEngine } from '../workers/unetEngine';

/** The noise seed of every feature the heads use (the feature cache is keyed by it). */
export const HEADS_NOISE_SEED = 0;

export interface SplitFeatures {
  block: number;
  train: FeatureTable;
  test: FeatureTable;
}

export interface HeadFeatureRequest {
  t: number;
  blocks: number[];
  pool: number;
  seed: number;
  noise: NoiseMode;
}

/**
 * Pooled features of every requested block for a dataset's train and test images, from ONE
 * extract call: one U-Net pass per (image, t) feeds all blocks; cached features are reused.
 */
export async function extractSplits(
  engine: Pick<UnetEngine, 'extract'>,
  data: Pick<LabeledImages, 'train' | 'test'>,
  req: HeadFeatureRequest,
  options: {
    signal?: AbortSignal;
    onProgress?: (p: ExtractProgress) => void;
    /** Images per U-Net pass (default: the worker's, by backend). */
    batchSize?: number;
    /** Use the feature cache (default true). */
    useCache?: boolean;
    /** What the model's class and context inputs get (default: the app's conditioning now). */
    conditioning?: Conditioning;
  } = {},
): Promise<{ blocks: Map<number, SplitFeatures>; result: ExtractResult }> {
  const items: FeatureItem[] = [...data.train.items, ...data.test.items];
  const nTrain = data.train.items.length;
  const nTest = data.test.items.length;
  const tables = new Map<number, SplitFeatures>();
  const result = await engine.extract(
    items,
    { t: req.t, blocks: req.blocks, pool: req.pool, seed: req.seed, noise: req.noise },
    (batch) => {
      for (const [key, tensor] of Object.entries(batch.blocks)) {
        const block = Number(key);
        const [b, C, h, w] = tensor.dims as [number, number, number, number];
        let entry = tables.get(block);
        if (!entry) {
          entry = {
            block,
            train: emptyTable(nTrain, [C, h, w]),
            test: emptyTable(nTest, [C, h, w]),
          };
          tables.set(block, entry);
        }
        const d = C * h * w;
        // A batch may straddle the train/test boundary: at most two copies.
        const inTrain = Math.max(0, Math.min(b, nTrain - batch.offset));
        if (inTrain > 0) placeRows(entry.train, batch.offset, tensor.data.subarray(0, inTrain * d));
        if (inTrain < b)
          placeRows(
            entry.test,
            batch.offset + inTrain - nTrain,
            tensor.data.subarray(inTrain * d, b * d),
          );
      }
    },
    options,
  );
  return { blocks: tables, result };
}
