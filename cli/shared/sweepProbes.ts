/**
 * The probes of a sweep: for each t, the shards from the store merged into each block's train
 * and test tables (src/core/sweep/merge.ts), then one linear probe per (block, t) with the
 * app's own trainer (src/core/heads/linearTrainer.ts, as the Heads panel's sweep runs it) and
 * the plan's recipe. Run by the one-process sweep, or by a queued worker as the flow's parent.
 */
import { join } from 'node:path';
import { trainLinear } from '../../src/core/heads/linearTrainer';
import { mergeShards } from '../../src/core/sweep/merge';
import { shardFileName, type SweepPlan } from '../../src/core/sweep/sweepPlan';
import type { SweepCell } from '../../src/core/sweep/result';
import { CliError } from './errors';
import { readStoredShard } from './shardRunner';

export interface ProbeResults {
  cells: SweepCell[];
  failed: { path: string; reason: string }[];
  images: { train: number; test: number };
}

/** Lets timers (a queued job's lock renewal) run between training steps. */
const breathe = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function trainProbes(
  plan: SweepPlan,
  store: string,
  onCell: (cell: SweepCell) => void = () => {},
): Promise<ProbeResults> {
  const cells: SweepCell[] = [];
  let failed: ProbeResults['failed'] = [];
  let images = { train: 0, test: 0 };
  for (const t of plan.ts) {
    // Block by block: only one block's features of every image are in memory at a time.
    for (const block of plan.blocks) {
      const shards = plan.shards.map((s) => {
        const file = join(store, shardFileName(plan, { shard: s.index, t }));
        const stored = readStoredShard(file, new Set([block]));
        if (!stored) throw new CliError(`${file}: the shard is missing or damaged`);
        return stored;
      });
      const merged = mergeShards({ ...plan, blocks: [block] }, t, shards);
      failed = merged.failed;
      const b = merged.blocks[0]!;
      images = { train: b.data.trainY.length, test: b.data.testY.length };
      if (images.train === 0 || images.test === 0)
        throw new CliError('the sweep needs decodable images in both train and test');
      const out = await trainLinear(
        {
          spec: { kind: 'linear', pool: plan.pool },
          channels: b.shape[0]!,
          classes: plan.classes.length,
        },
        b.data,
        plan.train,
        { evalEveryEpoch: false, checkpoint: breathe },
      );
      const cell = { block, t, pool: plan.pool, testAccuracy: out.curves.at(-1)!.testAcc };
      cells.push(cell);
      onCell(cell);
    }
  }
  return { cells, failed, images };
}
