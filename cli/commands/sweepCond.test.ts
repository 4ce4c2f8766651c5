/**
 * `diffprobe sweep --cond` on the tiny conditional model (test/condUnet.ts: block_1 = x + y,
 * block_2 = block_1 + mean(ctx), block_3 = block_2 + t): the conditioning reaches the features,
 * the shard keys, sweep.json and the queued jobs' data; bad values fail as extract's do.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { float32ToBase64 } from '../../src/core/heads/base64';
import { parseNpy } from '../../src/core/npy';
import { parseSweepResult } from '../../src/core/sweep/result';
import { shardFileName, shardJobs, type SweepPlan } from '../../src/core/sweep/sweepPlan';
import { writeCondSweepData } from '../../test/condSweepData';
import { main } from '../main';
import { planConditioning, readStoredShard, ShardRunner } from '../shared/shardRunner';
import { checkJobConditioning, readPlan, shardJobData, type ShardData } from '../shared/sweepQueue';
import { planSweep, sweep } from './sweep';
import { parseSweepArgs } from './sweepArgs';

const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-sweep-cond-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const d = writeCondSweepData(tmp);
const store = join(tmp, 'store');

const args = (out: string, cond: string[]): string[] => [
  ...['--model', d.model, '--images', d.images, '--t', '5,50', '--blocks', '1-3', '--pool', '1'],
  ...['--epochs', '2', '--shard', '4', '--threads', '1', '--no-progress', '--store', store],
  ...['--out', out, ...cond.flatMap((c) => ['--cond', c])],
];
const opts = (out: string, cond: string[]) => parseSweepArgs(args(out, cond));

async function run(argv: string[]): Promise<{ status: number; err: string }> {
  const err: string[] = [];
  const status = await main(argv, { out: () => {}, err: (t) => err.push(t) });
  return { status, err: err.join('') };
}

/** Block `index`'s values of every image, in plan order, at every t. */
function features(plan: SweepPlan, index: number): number[] {
  return shardJobs(plan).flatMap((job) => {
    const shard = readStoredShard(join(store, shardFileName(plan, job)))!;
    return Array.from(shard.blocks.find((b) => b.index === index)!.data);
  });
}

const digest = (values: Float32Array): string =>
  createHash('sha256').update(new Uint8Array(values.buffer)).digest('hex');

describe('diffprobe sweep --cond', () => {
  it('feeds the class and context to every image; another class is other shards', async () => {
    const y3 = await sweep(opts(join(tmp, 'y3'), ['y=3', `ctx=${d.ctx}`]));
    expect(y3.jobs).toEqual({ total: 6, computed: 6, stored: 0 });
    const y5 = await sweep(opts(join(tmp, 'y5'), ['y=5', `ctx=${d.ctx}`]));
    // Nothing computed with class 3 is reused for class 5.
    expect(y5.jobs).toEqual({ total: 6, computed: 6, stored: 0 });

    const p3 = await planSweep(opts(join(tmp, 'y3'), ['y=3', `ctx=${d.ctx}`]));
    const p5 = await planSweep(opts(join(tmp, 'y5'), ['y=5', `ctx=${d.ctx}`]));
    expect(p3.key).not.toBe(p5.key);
    p3.shards.forEach((s, i) => expect(s.key).not.toBe(p5.shards[i]!.key));
    // block_1 = x_t + y with the same seeded noise: class 5 is class 3 plus 2, image by image.
    const [b3, b5] = [features(p3, 1), features(p5, 1)];
    expect(b3).toHaveLength(20); // 10 images × 2 t, pooled to 1 value
    b5.forEach((v, i) => expect(v - b3[i]!).toBeCloseTo(2, 5));
    // block_2 − block_1 = mean(ctx) = 0.5
    features(p3, 2).forEach((v, i) => expect(v - b3[i]!).toBeCloseTo(0.5, 5));

    const result = parseSweepResult(
      JSON.parse(readFileSync(join(tmp, 'y3', 'sweep.json'), 'utf8')),
    );
    expect(result.conditioning).toEqual([
      { name: 'y', role: 'class', class: 3 },
      {
        name: 'ctx',
        role: 'context',
        context: 'ctx.npy',
        digest: digest(new Float32Array(6).fill(0.5)),
      },
    ]);
    expect(result.cells).toHaveLength(6);
  }, 60_000);

  it('reuses the shards of the same conditioning (the same context values under another name too)', async () => {
    const err: string[] = [];
    const again = await sweep(opts(join(tmp, 'y3-again'), ['y=3', `ctx=${d.ctx}`]), {
      err: (t) => err.push(t),
    });
    expect(again.jobs).toEqual({ total: 6, computed: 0, stored: 6 });
    expect(err.join('')).toContain('6 jobs; conditioning y: class 3, ctx: ctx.npy\n');
    const copy = await sweep(opts(join(tmp, 'y3-copy'), [`ctx=${d.ctxCopy}`, 'y=3']));
    expect(copy.jobs).toEqual({ total: 6, computed: 0, stored: 6 });
    const other = await sweep(opts(join(tmp, 'y3-other'), ['y=3', `ctx=${d.ctxOther}`]));
    expect(other.jobs).toEqual({ total: 6, computed: 6, stored: 0 });
    const plan = await planSweep(opts(join(tmp, 'y3-other'), ['y=3', `ctx=${d.ctxOther}`]));
    const b1 = features(plan, 1);
    features(plan, 2).forEach((v, i) => expect(v - b1[i]!).toBeCloseTo(1.5, 5));
  }, 60_000);

  it('computes the features extract --cond computes', async () => {
    const out = join(tmp, 'extract-y3');
    const r = await run([
      ...['extract', '--model', d.model, '--images', d.images, '--t', '5', '--blocks', '2'],
      ...['--pool', '1', '--seed', '0', '--threads', '1', '--out', out],
      ...['--cond', 'y=3', '--cond', `ctx=${d.ctx}`],
    ]);
    expect(r.status).toBe(0);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { files: string[] };
    const ext = parseNpy(new Uint8Array(readFileSync(join(out, 'block_2.npy')))).data;
    const plan = await planSweep(opts(join(tmp, 'y3'), ['y=3', `ctx=${d.ctx}`]));
    for (const job of shardJobs(plan).filter((j) => j.t === 5)) {
      const shard = readStoredShard(join(store, shardFileName(plan, job)))!;
      const block = shard.blocks.find((b) => b.index === 2)!;
      shard.rows.forEach((path, k) =>
        expect(block.data[k]).toBeCloseTo(Number(ext[index.files.indexOf(path)]), 6),
      );
    }
  }, 60_000);

  it('names the inputs that get no value, as extract does', async () => {
    const r = await run(['sweep', ...args(join(tmp, 'none'), [])]);
    expect(r.status).toBe(1);
    expect(r.err).toContain('has 2 inputs that nothing fills');
    expect(r.err).toContain("input 'y' (int64 [batch], role class): give --cond y=INTEGER");
    expect(r.err).toContain("input 'ctx' (float32 [batch, 2, 3], role context): give --cond ctx=");
  });

  it.each([
    [['y=10', 'ctx=CTX'], '--cond y=10: class id out of range (0..9)'],
    [['y=1', 'ctx=WRONG'], 'ctx-wrong.npy has shape [3, 4]; the input takes [2, 3]'],
    [
      ['y=1', 'ctx=ROWS'],
      'ctx-rows.npy has shape [3, 2, 3]; the input takes [2, 3] or [1, 2, 3] (one context for every image)',
    ],
    [['y=1', 'ctx=CTX', 'mask=2'], '--cond mask: the model has no conditioning input of that name'],
    [['y=1', 'ctx=3'], '--cond ctx: a context input takes a .npy file'],
    [['y=cat'], '--cond y: "cat" is neither an integer nor a .npy file'],
  ])('refuses %j with status 1, naming the input', async (cond, message) => {
    const files: Record<string, string> = { CTX: d.ctx, WRONG: d.ctxWrong, ROWS: d.ctxRows };
    const given = cond.map((c) => c.replace(/CTX|WRONG|ROWS/, (k) => files[k]!));
    const r = await run(['sweep', ...args(join(tmp, 'bad'), given)]);
    expect(r.status).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('the queued jobs carry the conditioning', () => {
  it('job data names it; workers take the values from the plan, not from the .npy', async () => {
    const gone = join(tmp, 'gone.npy');
    copyFileSync(d.ctx, gone);
    const out = join(tmp, 'queued-like');
    await sweep(opts(out, ['y=3', `ctx=${gone}`]));
    const plan = await planSweep(opts(out, ['y=3', `ctx=${gone}`]));
    const planFile = join(store, `plan-${plan.key}.json`);
    // What BullMQ stores is JSON.
    const jobs = JSON.parse(JSON.stringify(shardJobData(plan, planFile, store))) as ShardData[];
    expect(jobs).toHaveLength(6);
    expect(jobs[0]!.conditioning).toEqual([
      { name: 'y', role: 'class', class: 3 },
      {
        name: 'ctx',
        role: 'context',
        context: 'gone.npy',
        digest: digest(new Float32Array(6).fill(0.5)),
      },
    ]);
    rmSync(gone);
    const read = readPlan(planFile);
    for (const job of jobs) expect(() => checkJobConditioning(job, read)).not.toThrow();
    // A worker on another machine: no .npy, another store; the same bits.
    const runner = new ShardRunner(read, join(tmp, 'elsewhere'), { threads: 1, device: 'cpu' });
    try {
      expect(await runner.run(jobs[0]!.job)).toBe(true);
      const name = shardFileName(plan, jobs[0]!.job);
      const here = readFileSync(join(tmp, 'elsewhere', name));
      expect(here.equals(readFileSync(join(store, name)))).toBe(true);
    } finally {
      await runner.close();
    }
    // A job queued with class 5 is not run on this plan.
    const y5 = {
      ...jobs[0]!,
      conditioning: [{ ...jobs[0]!.conditioning![0]!, class: 5 }, jobs[0]!.conditioning![1]!],
    };
    expect(() => checkJobConditioning(y5, read)).toThrow(
      /queued with y: class 5, ctx: gone\.npy, the plan feeds y: class 3, ctx: gone\.npy/,
    );
    expect(() => checkJobConditioning({ ...jobs[0]!, conditioning: [] }, read)).toThrow(
      /queued with no conditioning/,
    );
    // Values that are not what their digest says are refused.
    const tampered = read.conditioning!.map((c) =>
      c.kind === 'context' && c.source.kind === 'file'
        ? { ...c, source: { ...c.source, values: float32ToBase64(new Float32Array(6).fill(1)) } }
        : c,
    );
    expect(() => planConditioning({ conditioning: tampered })).toThrow(
      /context 'ctx' does not match its sha256/,
    );
  }, 60_000);
});
