import { describe, expect, it } from 'vitest';
import {
  planShards,
  shardFileName,
  shardJobs,
  splitItems,
  type SweepItem,
  type SweepPlan,
} from './sweepPlan';
import { mergeShards } from './merge';
import { decodeShard, encodeShard, type ShardFeatures } from './shardFile';
import {
  parseSweepResult,
  resultCsv,
  resultGrid,
  serializeSweepResult,
  sweepResultOf,
  type SweepRecord,
} from './result';

const key = (paths: readonly string[]): string => `k${paths.length}-${paths[0]}`;

describe('sweep shards', () => {
  it('cuts items into consecutive shards of at most n, keyed by their paths', () => {
    const paths = ['a', 'b', 'c', 'd', 'e'];
    const shards = planShards(paths, 2, key);
    expect(shards.map((s) => [s.start, s.end])).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    expect(shards[2]!.key).toBe('k1-e');
    expect(planShards([], 3, key)).toEqual([]);
    expect(() => planShards(paths, 0, key)).toThrow(RangeError);
  });

  it('makes one job per shard × t, t-major, each with its own file name', () => {
    const shards = planShards(['a', 'b', 'c'], 2, key);
    const jobs = shardJobs({ shards, ts: [10, 50] });
    expect(jobs).toEqual([
      { shard: 0, t: 10 },
      { shard: 1, t: 10 },
      { shard: 0, t: 50 },
      { shard: 1, t: 50 },
    ]);
    const names = jobs.map((j) => shardFileName({ shards }, j));
    expect(new Set(names).size).toBe(4);
    expect(names[3]).toBe('shard-t50-00001-k1-c.bin');
  });

  it("keeps the dataset's own split, else splits each class with the seed", () => {
    const own = splitItems(
      [
        { path: 'test/a/1', label: 0, split: 'test' },
        { path: 'train/a/2', label: 0, split: 'train' },
      ],
      0,
      0.2,
    );
    expect(own.kind).toBe('dataset');
    expect(own.items.map((i) => i.path)).toEqual(['train/a/2', 'test/a/1']);
    const items = Array.from({ length: 20 }, (_, i) => ({
      path: `c${i % 2}/${i}`,
      label: i % 2,
      split: null,
    }));
    const a = splitItems(items, 3, 0.2);
    expect(a.kind).toBe('seeded');
    expect(a.items.filter((i) => i.split === 'test')).toHaveLength(4);
    for (const c of [0, 1])
      expect(a.items.filter((i) => i.split === 'test' && i.label === c)).toHaveLength(2);
    expect(splitItems(items, 3, 0.2)).toEqual(a);
    expect(splitItems(items, 4, 0.2).items).not.toEqual(a.items);
  });
});

function shardOf(
  t: number,
  paths: string[],
  failed: string[],
  value: (path: string) => number,
): ShardFeatures {
  const rows = paths.filter((p) => !failed.includes(p));
  return {
    t,
    rows,
    failed: failed.map((path) => ({ path, reason: 'broken' })),
    blocks: [3, 7].map((index) => ({
      index,
      shape: [2, 1, 1],
      data: Float32Array.from(rows.flatMap((p) => [value(p) + index, -value(p)])),
    })),
  };
}

describe('sweep shard files and merging', () => {
  it('round-trips a shard file bit for bit', () => {
    const s = shardOf(10, ['x/1', 'y/2', 'z/3'], ['y/2'], (p) => p.length + 0.1);
    s.blocks[0]!.data[0] = -0;
    s.blocks[0]!.data[1] = 1e-40; // subnormal
    const back = decodeShard(encodeShard(s));
    expect(back).toEqual(s);
    expect(Object.is(back.blocks[0]!.data[0], -0)).toBe(true);
    // One block only: the other is skipped, the file still checked whole.
    const one = decodeShard(encodeShard(s), new Set([7]));
    expect(one.blocks.map((b) => b.index)).toEqual([7]);
    expect(one.blocks[0]).toEqual(s.blocks[1]);
    expect(decodeShard(encodeShard(s), new Set()).blocks).toEqual([]);
    const bytes = encodeShard(s);
    expect(() => decodeShard(bytes.subarray(0, bytes.length - 4), new Set())).toThrow(/cut short/);
    expect(() => decodeShard(encodeShard(s).subarray(0, 40))).toThrow(/cut short/);
    expect(() => decodeShard(new Uint8Array(20))).toThrow(/not a diffprobe shard/);
  });

  it('merges shards into train and test tables in plan order, leaving out failed items', () => {
    const items: SweepItem[] = [
      { path: 'a/0', label: 0, split: 'train' },
      { path: 'b/1', label: 1, split: 'train' },
      { path: 'a/2', label: 0, split: 'train' },
      { path: 'b/3', label: 1, split: 'test' },
      { path: 'a/4', label: 0, split: 'test' },
    ];
    const shards = planShards(
      items.map((i) => i.path),
      2,
      key,
    );
    const plan: Pick<SweepPlan, 'items' | 'shards' | 'blocks'> = { items, shards, blocks: [3, 7] };
    const value = (p: string): number => Number(p.slice(2));
    const files = shards.map((s) =>
      shardOf(
        50,
        items.slice(s.start, s.end).map((i) => i.path),
        s.index === 0 ? ['b/1'] : [],
        value,
      ),
    );
    const m = mergeShards(plan, 50, files);
    expect(m.failed).toEqual([{ path: 'b/1', reason: 'broken' }]);
    const b7 = m.blocks.find((b) => b.block === 7)!;
    expect(b7.shape).toEqual([2, 1, 1]);
    expect([...b7.data.trainY]).toEqual([0, 0]);
    expect([...b7.data.trainX]).toEqual([7, -0, 9, -2]);
    expect([...b7.data.testY]).toEqual([1, 0]);
    expect([...b7.data.testX]).toEqual([10, -3, 11, -4]);
    // A shard from another t, or one that misses an item, is refused.
    expect(() => mergeShards(plan, 10, files)).toThrow(/t=50/);
    const short = [...files];
    short[1] = shardOf(50, ['a/2'], [], value);
    expect(() => mergeShards(plan, 50, short)).toThrow(/plan's items/);
  });
});

describe('sweep.json', () => {
  const result = {
    format: 'diffprobe-sweep',
    version: 1,
    model: { id: 'm', sha256: 'ab', file: 'model.onnx' },
    blocks: [1, 2],
    ts: [10, 50],
    cells: [
      { block: 1, t: 10, pool: 2, testAccuracy: 0.5 },
      { block: 2, t: 50, pool: 2, testAccuracy: 0.75 },
    ],
  };
  it('gives the grid and the CSV of its cells', () => {
    const r = parseSweepResult(JSON.parse(JSON.stringify(result)));
    const g = resultGrid(r);
    expect(g.acc[0]).toEqual([0.5, NaN]);
    expect(g.acc[1]).toEqual([NaN, 0.75]);
    expect(resultCsv(r)).toBe('block,t,pool,test_accuracy\n1,10,2,0.5\n2,50,2,0.75\n');
  });
  it('refuses what is not a sweep result', () => {
    expect(() => parseSweepResult({ ...result, format: 'x' })).toThrow(/not a diffprobe sweep/);
    expect(() =>
      parseSweepResult({ ...result, cells: [{ block: 3, t: 10, pool: 2, testAccuracy: 0.1 }] }),
    ).toThrow(/off the grid/);
    expect(() =>
      parseSweepResult({ ...result, cells: [{ block: 1, t: 10, pool: 2, testAccuracy: 2 }] }),
    ).toThrow(/testAccuracy/);
    expect(() => parseSweepResult({ ...result, model: {} })).toThrow(/sha256/);
    expect(() => parseSweepResult({ ...result, conditioning: 'y=3' })).toThrow(/conditioning/);
    expect(() => parseSweepResult({ ...result, conditioning: [{ class: 3 }] })).toThrow(
      /by name and role/,
    );
    const cond = [{ name: 'y', role: 'class', class: 3 }];
    expect(parseSweepResult({ ...result, conditioning: cond }).conditioning).toEqual(cond);
  });
  it('writes a grid (finished cells only) under its record and reads it back the same', () => {
    const record = {
      ...result,
      cells: undefined,
      dataset: { id: 'demo:x', source: 'X', classes: ['a', 'b'], images: { train: 4, test: 2 } },
      pool: 2,
    } as unknown as SweepRecord;
    const grid = {
      blocks: [1, 2],
      ts: [10, 50],
      acc: [
        [0.5, NaN],
        [NaN, 0.75],
      ],
    };
    const text = serializeSweepResult(sweepResultOf(record, grid));
    expect(text.endsWith('}\n')).toBe(true);
    const back = parseSweepResult(JSON.parse(text));
    expect(back.cells).toEqual(result.cells);
    expect(back.dataset.id).toBe('demo:x');
    expect(resultGrid(back)).toEqual(grid);
    expect(() => parseSweepResult({ ...back, dataset: { ...back.dataset, id: 3 } })).toThrow(
      /dataset.id/,
    );
  });
});
