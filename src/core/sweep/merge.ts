/**
 * Merging a t's shards into each block's train and test tables, in the plan's item order.
 * Items that no shard could decode are left out (and reported); every other item must be in
 * exactly one row of exactly the shard that holds it.
 */
import type { HeadData } from '../heads/training';
import type { SweepPlan } from './sweepPlan';
import type { ShardFeatures } from './shardFile';

export interface MergedBlock {
  block: number;
  /** The shape of one row, [C, p, p]. */
  shape: number[];
  data: HeadData;
}

export interface MergedT {
  t: number;
  blocks: MergedBlock[];
  failed: { path: string; reason: string }[];
}

/** `shards[i]` holds plan shard i at t. */
export function mergeShards(
  plan: Pick<SweepPlan, 'items' | 'shards' | 'blocks'>,
  t: number,
  shards: readonly ShardFeatures[],
): MergedT {
  if (shards.length !== plan.shards.length)
    throw new RangeError(`${shards.length} shard files for ${plan.shards.length} shards`);
  const failed = shards.flatMap((s) => s.failed);
  const rowsOf = shards.map((s, i) => {
    const range = plan.shards[i]!;
    if (s.t !== t) throw new RangeError(`shard ${i} holds t=${s.t}, not t=${t}`);
    const expected = plan.items.slice(range.start, range.end).map((it) => it.path);
    const lost = new Set(s.failed.map((f) => f.path));
    const kept = expected.filter((p) => !lost.has(p));
    if (kept.length !== s.rows.length || kept.some((p, k) => p !== s.rows[k]))
      throw new RangeError(`shard ${i} does not hold the plan's items`);
    return kept;
  });
  const lostAll = new Set(failed.map((f) => f.path));
  const kept = plan.items.filter((i) => !lostAll.has(i.path));
  const trainY = Int32Array.from(kept.filter((i) => i.split === 'train').map((i) => i.label));
  const testY = Int32Array.from(kept.filter((i) => i.split === 'test').map((i) => i.label));
  const blocks = plan.blocks.map((block) => {
    const parts = shards.map((s) => s.blocks.find((b) => b.index === block));
    const shape = parts.find((p) => p !== undefined)?.shape ?? [];
    const d = shape.reduce((a, b) => a * b, 1);
    const trainX = new Float32Array(trainY.length * d);
    const testX = new Float32Array(testY.length * d);
    let tr = 0;
    let te = 0;
    let itemAt = 0;
    shards.forEach((s, i) => {
      const part = parts[i];
      if (s.rows.length > 0 && !part) throw new RangeError(`shard ${i} lacks block ${block}`);
      if (part && part.shape.join() !== shape.join())
        throw new RangeError(`block ${block} has different shapes in different shards`);
      const range = plan.shards[i]!;
      const splitOf = new Map(
        plan.items.slice(range.start, range.end).map((it) => [it.path, it.split]),
      );
      rowsOf[i]!.forEach((path, r) => {
        const row = part!.data.subarray(r * d, (r + 1) * d);
        if (splitOf.get(path) === 'train') trainX.set(row, tr++ * d);
        else testX.set(row, te++ * d);
        itemAt++;
      });
    });
    if (itemAt !== kept.length) throw new RangeError('the shards do not cover the plan');
    return { block, shape, data: { trainX, trainY, testX, testY } };
  });
  return { t, blocks, failed };
}
