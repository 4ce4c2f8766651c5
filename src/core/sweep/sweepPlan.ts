/**
 * A headless sweep's plan: which images go to train and test, and how they are cut into shards.
 *
 * A shard (a run of consecutive images of the plan's item list) at one t is the unit of work of
 * `diffprobe sweep`, whether one process runs every shard or queued workers share them: the
 * same shard is always the same forward passes, so both give the same bits. Items are the
 * labelled images in natural path order, train before test; the dataset's own train/ + test/
 * split is kept, otherwise a seeded stratified split (src/core/datasets/split.ts) decides.
 */
import { conditioningKey } from '../conditioning/conditioning';
import { conditioningFromJson, type CondChoiceJson } from '../conditioning/conditioningJson';
import { stratifiedSplit, type SplitName } from '../datasets/split';
import type { TrainConfig } from '../heads/optim';

export interface SweepItem {
  path: string;
  label: number;
  split: SplitName;
}

export interface ShardRange {
  index: number;
  /** Items [start, end) of the plan. */
  start: number;
  end: number;
  /** Names this shard's content (settings and item paths); part of its file names. */
  key: string;
}

/** Everything a worker needs to compute a shard and a trainer to merge them (sweep-plan.json). */
export interface SweepPlan {
  version: 1;
  /** Names the whole sweep (settings and items). */
  key: string;
  /** The U-Net file, and for a latent model the encoder it runs on the images first. */
  model: {
    path: string;
    file: string;
    id: string | null;
    sha256: string;
    encoderSha256?: string;
  };
  images: string;
  /**
   * The values fed to the model's class and context inputs, the same for every image (absent
   * for an unconditional model). Context values travel here, so no worker reads the .npy.
   */
  conditioning?: CondChoiceJson[];
  split: { kind: 'dataset' | 'seeded'; testFraction: number | null };
  seeds: { noise: number; split: number; train: number };
  blocks: number[];
  ts: number[];
  pool: number;
  fit: 'crop' | 'pad';
  image: { size: number; channels: 1 | 3 };
  /** Images per forward pass inside a shard. */
  batch: number;
  classes: string[];
  items: SweepItem[];
  shards: ShardRange[];
  train: TrainConfig;
  /** Files the listing could not use (not images, no class folder). */
  skipped: { path: string; reason: string }[];
}

/** One job of a sweep: a shard at one t. */
export interface ShardJob {
  shard: number;
  t: number;
}

/**
 * Train/test for labelled items in a stable order: the dataset's own split when every item has
 * one, otherwise the seeded stratified split. Train items come first, then test, each keeping
 * the given order.
 */
export function splitItems(
  items: readonly { path: string; label: number; split: SplitName | null }[],
  seed: number,
  testFraction: number,
): { items: SweepItem[]; kind: 'dataset' | 'seeded' } {
  const own = items.length > 0 && items.every((i) => i.split !== null);
  const sides: SplitName[] = own
    ? items.map((i) => i.split!)
    : stratifiedSplit(
        items.map((i) => i.label),
        { seed, testFraction },
      );
  const out = items.map((i, k) => ({ path: i.path, label: i.label, split: sides[k]! }));
  return {
    items: [...out.filter((i) => i.split === 'train'), ...out.filter((i) => i.split === 'test')],
    kind: own ? 'dataset' : 'seeded',
  };
}

/** Consecutive runs of at most `size` items; `key` names each from its item paths. */
export function planShards(
  paths: readonly string[],
  size: number,
  key: (paths: readonly string[]) => string,
): ShardRange[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`shard size ${size} is not ≥ 1`);
  const out: ShardRange[] = [];
  for (let start = 0, index = 0; start < paths.length; start += size, index++) {
    const end = Math.min(paths.length, start + size);
    out.push({ index, start, end, key: key(paths.slice(start, end)) });
  }
  return out;
}

/** Every (shard, t) of a plan: t-major, so a t's probes can train as soon as its shards exist. */
export function shardJobs(plan: Pick<SweepPlan, 'shards' | 'ts'>): ShardJob[] {
  return plan.ts.flatMap((t) => plan.shards.map((s) => ({ shard: s.index, t })));
}

/** The file a shard's features are stored in (inside the store folder). */
export function shardFileName(plan: Pick<SweepPlan, 'shards'>, job: ShardJob): string {
  const s = plan.shards[job.shard];
  if (!s) throw new RangeError(`no shard ${job.shard}`);
  return `shard-t${job.t}-${String(s.index).padStart(5, '0')}-${s.key}.bin`;
}

/** The text a shard's key is a hash of: the sweep's feature settings and the shard's paths. */
export function shardKeyText(
  plan: Pick<
    SweepPlan,
    'model' | 'images' | 'seeds' | 'blocks' | 'pool' | 'fit' | 'image' | 'batch' | 'conditioning'
  >,
  paths: readonly string[],
): string {
  return JSON.stringify({
    sha256: plan.model.sha256,
    ...(plan.model.encoderSha256 ? { encoder: plan.model.encoderSha256 } : {}),
    // The app's feature-cache key part: class ids and context digests (not file names).
    ...(plan.conditioning?.length
      ? { cond: conditioningKey(conditioningFromJson(plan.conditioning)) }
      : {}),
    noise: plan.seeds.noise,
    blocks: plan.blocks,
    pool: plan.pool,
    fit: plan.fit,
    image: plan.image,
    batch: plan.batch,
    paths,
  });
}
