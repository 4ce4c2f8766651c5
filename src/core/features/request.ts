import { checkTimestep } from '../schedule';

/** How x_t is made: `seeded` noise as in the paper, or `none` (the clean image fed at t). */
export type NoiseMode = 'seeded' | 'none';

/** What the feature engine computes for a set of items. */
export interface FeatureRequest {
  t: number;
  /** 1-based block numbers (paper numbering). */
  blocks: number[];
  /** Adaptive-average-pool size p (p×p per channel); 0 keeps the full map. */
  pool: number;
  seed: number;
  noise: NoiseMode;
}

/** Checks a request against a model with `blockCount` blocks and `T` timesteps. */
export function checkRequest(req: FeatureRequest, blockCount: number, T: number): void {
  checkTimestep(req.t, T);
  if (!req.blocks.length) throw new RangeError('ask for at least one block');
  for (const b of req.blocks) {
    if (!Number.isInteger(b) || b < 1 || b > blockCount) {
      throw new RangeError(`block ${b} does not exist (this model has blocks 1–${blockCount})`);
    }
  }
  if (!Number.isInteger(req.pool) || req.pool < 0) {
    throw new RangeError(`pool must be an integer ≥ 0, got ${req.pool}`);
  }
  if (!Number.isSafeInteger(req.seed))
    throw new RangeError(`seed must be an integer, got ${req.seed}`);
  if (req.noise !== 'seeded' && req.noise !== 'none') {
    throw new RangeError(`noise must be "seeded" or "none", got ${String(req.noise)}`);
  }
}

/** The feature-cache key of one item's pooled block features. */
export function featureKey(
  modelHash: string,
  block: number,
  req: Pick<FeatureRequest, 't' | 'pool' | 'seed' | 'noise'>,
  itemId: string,
): string {
  const seed = req.noise === 'none' ? '-' : String(req.seed);
  return `${modelHash.slice(0, 16)}|b${block}|t${req.t}|p${req.pool}|s${seed}|${req.noise}|${itemId}`;
}
