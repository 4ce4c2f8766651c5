/**
 * `diffprobe sweep`: the Heads panel's block × t sweep, headless. Plans the sweep
 * (src/core/sweep/sweepPlan.ts: the dataset's split or a seeded stratified one, shards of images),
 * computes every (shard, t) that the store does not already hold — in this process, or queued
 * for `diffprobe worker`s with --queue — then trains one linear probe per (block, t) with the
 * app's trainer and writes sweep.json, sweep.csv and heatmap.png. Rerunning the same command
 * after a crash resumes: shards already stored are not computed again. A conditional model's
 * inputs get `--cond` values (one for every image, as the app's conditioning), which enter the
 * plan, the shard keys and sweep.json.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_TRAIN, PAPER_RECIPE } from '../../src/core/heads/optim';
import { bestCell } from '../../src/core/heads/sweep';
import { makeSchedule } from '../../src/core/schedule';
import {
  planShards,
  shardJobs,
  shardKeyText,
  splitItems,
  type SweepPlan,
} from '../../src/core/sweep/sweepPlan';
import { resultGrid, type SweepResult } from '../../src/core/sweep/result';
import { describeConditioningRecord } from '../../src/core/conditioning/conditioning';
import { conditioningToJson, recordOfJson } from '../../src/core/conditioning/conditioningJson';
import { appConditioning } from '../shared/cond';
import { CliError } from '../shared/errors';
import { openImages } from '../shared/images';
import { formatJson, processIo, quietIo, type Io } from '../shared/io';
import { resolveModel } from '../shared/model';
import { ProgressBar } from '../shared/progressBar';
import { ShardRunner, writeAtomic } from '../shared/shardRunner';
import { runQueued } from '../shared/sweepQueue';
import { trainProbes } from '../shared/sweepProbes';
import { writeSweepOutputs } from '../shared/sweepOutput';
import { parseSweepArgs, type SweepOptions } from './sweepArgs';

export { parseSweepArgs, type SweepOptions } from './sweepArgs';

const hash = (text: string, n: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, n);

/** The plan of a sweep (model and images read, split made, shards cut). */
export async function planSweep(
  opts: SweepOptions,
  io: Pick<Io, 'err'> = quietIo,
): Promise<SweepPlan> {
  const model = resolveModel(opts.model, opts.size);
  for (const w of model.warnings) io.err(`diffprobe: warning: ${w}\n`);
  // One class id / context for every image, checked as extract checks it; none may be left out.
  const cond = appConditioning(model, opts.cond ?? []);
  const T = makeSchedule(model.schedule).T;
  for (const t of opts.ts)
    if (t >= T) throw new CliError(`--t ${t} is not below the model's T=${T}`);
  const blocks =
    opts.blocks === 'all'
      ? model.blocks.map((b) => b.index)
      : [...opts.blocks].sort((a, b) => a - b);
  for (const b of blocks)
    if (!model.blocks.some((x) => x.index === b))
      throw new CliError(`block ${b} does not exist in this model`);
  const src = await openImages(opts.images);
  src.close();
  const labelled = src.items.filter((i) => i.label !== null);
  const skipped = [
    ...src.skipped,
    ...src.items
      .filter((i) => i.label === null)
      .map((i) => ({ path: i.path, reason: 'no class folder' })),
  ];
  if (src.classes.length < 2)
    throw new CliError(`${opts.images}: a sweep needs at least two class folders`);
  const split = splitItems(
    labelled.map((i) => ({
      path: i.path,
      label: i.label!,
      split: src.layout === 'split' ? i.split : null,
    })),
    opts.seed,
    opts.testPercent / 100,
  );
  const base = {
    version: 1 as const,
    model: {
      // What workers open: the folder with its manifest (blocks, schedule, encoder), or the .onnx.
      path: resolve(opts.model),
      file: basename(model.path),
      id: model.manifest?.id ?? null,
      sha256: model.sha256,
      ...(model.encoder ? { encoderSha256: model.encoder.sha256 } : {}),
    },
    images: resolve(opts.images),
    ...(cond.length ? { conditioning: conditioningToJson(cond) } : {}),
    split: {
      kind: split.kind,
      testFraction: split.kind === 'seeded' ? opts.testPercent / 100 : null,
    },
    seeds: { noise: opts.seed, split: opts.seed, train: opts.seed },
    blocks,
    ts: opts.ts,
    pool: opts.pool,
    fit: opts.fit,
    image: { size: model.image.size, channels: model.image.channels },
    batch: opts.batch,
    classes: src.classes,
    items: split.items,
    train: {
      ...(opts.recipe === 'paper' ? PAPER_RECIPE : DEFAULT_TRAIN),
      epochs: opts.epochs,
      seed: opts.seed,
    },
    skipped,
  };
  const shards = planShards(
    split.items.map((i) => i.path),
    opts.shard,
    (paths) => hash(shardKeyText(base, paths), 16),
  );
  const key = hash(JSON.stringify({ ...base, shards }), 16);
  return { ...base, key, shards };
}

export interface SweepSummary {
  out: string;
  files: { json: string; csv: string; png: string };
  cells: number;
  best: { block: number; t: number; testAccuracy: number } | null;
  images: { train: number; test: number };
  skipped: number;
  jobs: { total: number; computed: number; stored: number };
  queue: string | null;
  seconds: number;
  /** Images through the U-Net per second (computed jobs only). */
  imagesPerSecond: number;
}

/** Runs a sweep (queued with opts.queue); returns the summary the CLI prints. */
export async function sweep(
  opts: SweepOptions,
  io: Pick<Io, 'err'> = quietIo,
): Promise<SweepSummary> {
  const started = performance.now();
  const plan = await planSweep(opts, io);
  const store = resolve(opts.store);
  const planFile = join(store, `plan-${plan.key}.json`);
  mkdirSync(store, { recursive: true });
  writeAtomic(planFile, JSON.stringify(plan) + '\n');
  const jobs = shardJobs(plan);
  const perJob = plan.items.length / Math.max(1, plan.shards.length);
  const tty = io === processIo && Boolean(process.stderr.isTTY);
  const bar = new ProgressBar(
    io,
    opts.queue ? 'sweep (queued)' : 'sweep',
    jobs.length,
    tty,
    opts.progress,
  );
  io.err(
    `sweep: ${plan.items.length} images (${plan.split.kind} split), ${plan.classes.length} classes, ` +
      `${plan.blocks.length} blocks × ${plan.ts.length} t, ${plan.shards.length} shards → ${jobs.length} jobs` +
      (plan.conditioning
        ? `; conditioning ${describeConditioningRecord(recordOfJson(plan.conditioning))}`
        : '') +
      '\n',
  );
  let computed = 0;
  let stored = 0;
  let featureSeconds: number;
  let probes;
  if (opts.queue) {
    const t0 = performance.now();
    probes = await runQueued(opts.queue, plan, planFile, store, (done, total) =>
      bar.update(done, done * perJob, (total - done) * perJob, done === total),
    );
    featureSeconds = (performance.now() - t0) / 1000;
    computed = probes.computed;
    stored = jobs.length - computed;
  } else {
    const runner = new ShardRunner(plan, store, { threads: opts.threads, device: 'cpu' });
    let images = 0;
    try {
      const t0 = performance.now();
      for (const [k, job] of jobs.entries()) {
        const range = plan.shards[job.shard]!;
        if (await runner.run(job)) {
          computed++;
          images += range.end - range.start;
        } else stored++;
        bar.update(k + 1, images, (jobs.length - k - 1) * perJob, k + 1 === jobs.length);
      }
      featureSeconds = (performance.now() - t0) / 1000;
    } finally {
      await runner.close();
    }
    probes = await trainProbes(plan, store);
  }
  const result: SweepResult = {
    format: 'diffprobe-sweep',
    version: 1,
    model: { id: plan.model.id, sha256: plan.model.sha256, file: plan.model.file },
    ...(plan.conditioning ? { conditioning: recordOfJson(plan.conditioning) } : {}),
    dataset: { source: opts.images, classes: plan.classes, images: probes.images },
    split: plan.split,
    seeds: plan.seeds,
    pool: plan.pool,
    fit: plan.fit,
    train: plan.train,
    blocks: plan.blocks,
    ts: plan.ts,
    cells: probes.cells,
    skipped: [...plan.skipped, ...probes.failed],
    shards: { count: plan.shards.length, size: opts.shard },
  };
  const files = await writeSweepOutputs(opts.out, result);
  const best = bestCell(resultGrid(result));
  const imagesDone = computed * perJob;
  return {
    out: opts.out,
    files,
    cells: result.cells.length,
    best: best && { block: best.block, t: best.t, testAccuracy: best.acc },
    images: probes.images,
    skipped: result.skipped.length,
    jobs: { total: jobs.length, computed, stored },
    queue: opts.queue ?? null,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    imagesPerSecond: Math.round((imagesDone / Math.max(featureSeconds, 1e-9)) * 10) / 10,
  };
}

/** Runs `sweep` with its arguments; prints the summary as JSON. */
export async function sweepCommand(args: readonly string[], io: Io): Promise<void> {
  const summary = await sweep(parseSweepArgs(args), io);
  io.out(formatJson(summary) + '\n');
}
