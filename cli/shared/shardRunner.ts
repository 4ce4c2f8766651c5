/**
 * Computing a sweep's shards (src/core/sweep/sweepPlan.ts): the images of a shard at one t, fitted as
 * the app fits them, noised with the seeded noise of (seed, item path, t), ONE forward pass per
 * batch on the graph cut after the last requested block, every block pooled p×p. Used by the
 * one-process sweep and by queued workers alike, so a shard is the same bits in both.
 * A shard file is written under a temporary name and renamed into place (atomic on one
 * filesystem), so a job that runs twice, or a reader at any moment, sees a whole file or none.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildInputs, type FeatureItem } from '../../src/core/features/batch';
import { ImageDecodeError } from '../../src/core/image/png';
import { prepareImage } from '../../src/core/image/prepare';
import { adaptiveAvgPool2d } from '../../src/core/pool';
import { makeSchedule } from '../../src/core/schedule';
import type { ShardJob, SweepPlan } from '../../src/core/sweep/sweepPlan';
import { shardFileName } from '../../src/core/sweep/sweepPlan';
import { decodeShard, encodeShard, type ShardFeatures } from '../../src/core/sweep/shardFile';
import type { Conditioning } from '../../src/core/conditioning/conditioning';
import { conditioningFromJson } from '../../src/core/conditioning/conditioningJson';
import { conditioningTensors, sha256Hex } from './cond';
import { CliError, firstLine } from './errors';
import { openImages, type ImageItem, type ImageSource } from './images';
import { resolveModel, type ResolvedModel } from './model';
import { openEncoderSession, type EncoderSession } from './latent';
import { openCutSession, sampleFeeds, toFloat32, type CutSession } from './session';

export type Device = 'cpu' | 'cuda';

/** Writes `bytes` to `file` atomically: a unique temporary name in the same folder, renamed. */
export function writeAtomic(file: string, bytes: Uint8Array | string): void {
  const tmp = `${file}.tmp-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A stored shard that is whole (else undefined); with `only`, just those blocks' rows. */
export function readStoredShard(
  file: string,
  only?: ReadonlySet<number>,
): ShardFeatures | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return decodeShard(new Uint8Array(readFileSync(file)), only);
  } catch {
    return undefined; // a damaged file is computed again
  }
}

/**
 * The conditioning a plan feeds, its context values checked against their sha256 (the digest
 * is part of the shard keys, so values that do not match it must not be fed).
 */
export function planConditioning(plan: Pick<SweepPlan, 'conditioning'>): Conditioning {
  let cond: Conditioning;
  try {
    cond = conditioningFromJson(plan.conditioning ?? []);
  } catch (e) {
    throw new CliError(`the sweep plan's conditioning: ${firstLine(e)}`);
  }
  for (const c of cond) {
    if (c.kind === 'class' && c.ownLabel)
      throw new CliError(`the sweep plan feeds '${c.name}' each image's own label; give one class`);
    if (
      c.kind === 'context' &&
      c.source.kind === 'file' &&
      sha256Hex(c.source.data) !== c.source.digest
    )
      throw new CliError(`the sweep plan's context '${c.name}' does not match its sha256`);
  }
  return cond;
}

export class ShardRunner {
  private model: ResolvedModel | undefined;
  private src: ImageSource | undefined;
  private byPath = new Map<string, ImageItem>();
  private cut: CutSession | undefined;
  private encoder: EncoderSession | undefined;
  private outputs: string[] = [];
  private cond: Conditioning = [];

  constructor(
    readonly plan: SweepPlan,
    readonly store: string,
    private readonly options: { threads: number; device: Device },
  ) {}

  private opening: Promise<void> | undefined;

  /** Opens the model and images once, however many jobs (--concurrency) ask at the same time. */
  private open(): Promise<void> {
    this.opening ??= this.load();
    this.opening.catch(() => (this.opening = undefined)); // a failed open is tried again
    return this.opening;
  }

  private async load(): Promise<void> {
    const { plan } = this;
    const model = resolveModel(plan.model.path, plan.image.size);
    if (model.sha256 !== plan.model.sha256)
      throw new CliError(`${plan.model.path}: not the model the sweep was planned on (sha256)`);
    if (model.encoder?.sha256 !== plan.model.encoderSha256)
      throw new CliError(`${plan.model.path}: not the encoder the sweep was planned on (sha256)`);
    this.cond = planConditioning(plan);
    const src = await openImages(plan.images);
    this.byPath = new Map(src.items.map((i) => [i.path, i]));
    const outputs = plan.blocks.map((index) => {
      const b = model.blocks.find((x) => x.index === index);
      if (!b) throw new CliError(`block ${index} does not exist in this model`);
      return b.output;
    });
    this.outputs = [...new Set(outputs)];
    const providers = this.options.device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
    try {
      this.cut = await openCutSession(model, this.outputs, this.options.threads, providers);
    } catch (e) {
      if (this.options.device !== 'cuda') throw e;
      throw new CliError(
        `--device cuda: onnxruntime-node's CUDA provider did not load (${firstLine(e)}); it needs ` +
          'Linux x64 with CUDA 12 + cuDNN 9 and the provider installed with onnxruntime-node ' +
          '(npm install without ONNXRUNTIME_NODE_INSTALL_CUDA=skip)',
      );
    }
    if (model.encoder) this.encoder = await openEncoderSession(model.encoder, this.options.threads);
    this.model = model;
    this.src = src;
  }

  /** The file of a shard job, inside the store. */
  file(job: ShardJob): string {
    return join(this.store, shardFileName(this.plan, job));
  }

  /** Computes a shard unless a whole copy is stored; true when it was computed. */
  async run(job: ShardJob): Promise<boolean> {
    const file = this.file(job);
    if (readStoredShard(file, new Set())) return false;
    const shard = await this.compute(job);
    mkdirSync(this.store, { recursive: true });
    writeAtomic(file, encodeShard(shard));
    return true;
  }

  /** The features of one shard at one t. */
  async compute(job: ShardJob): Promise<ShardFeatures> {
    await this.open();
    const { plan } = this;
    const model = this.model!;
    const src = this.src!;
    const { session, inputs: feedInfo } = this.cut!;
    const range = plan.shards[job.shard];
    if (!range) throw new CliError(`the plan has no shard ${job.shard}`);
    const sched = makeSchedule(model.schedule);
    const req = {
      t: job.t,
      blocks: plan.blocks,
      pool: plan.pool,
      seed: plan.seeds.noise,
      noise: 'seeded' as const,
    };
    // Images are fitted to plan.image; the U-Net takes model.sample (a latent model's latents).
    const { size: P, channels: PC } = plan.image;
    const { size: S, channels: C } = model.sample;
    const fixed = model.image.batch;
    const batchSize = fixed ?? plan.batch;
    const feedNames = feedInfo.map((i) => i.name);
    const rows: string[] = [];
    const failed: { path: string; reason: string }[] = [];
    const parts = new Map<number, { shape: number[]; data: Float32Array[] }>();
    const items = plan.items.slice(range.start, range.end);
    for (let start = 0; start < items.length; start += batchSize) {
      const batch: FeatureItem[] = [];
      for (const it of items.slice(start, start + batchSize)) {
        const item = this.byPath.get(it.path);
        if (!item) throw new CliError(`${plan.images}: ${it.path} is missing`);
        try {
          const x0 = prepareImage(await src.load(item), { size: P, channels: PC, mode: plan.fit });
          batch.push({ id: item.path, x0 });
        } catch (e) {
          if (!(e instanceof ImageDecodeError)) throw e;
          failed.push({ path: item.path, reason: e.message });
        }
      }
      if (batch.length === 0) continue;
      const n = batch.length;
      if (this.encoder) {
        const per = PC * P * P;
        const stacked = new Float32Array(n * per);
        batch.forEach((b, i) => stacked.set(b.x0, i * per));
        const latents = await this.encoder.encode(stacked, [n, PC, P, P]);
        const size = C * S * S;
        batch.forEach((b, i) => (b.x0 = latents.subarray(i * size, (i + 1) * size)));
      }
      const built = buildInputs(batch, [C, S, S], sched, req);
      const nRows = fixed ?? n;
      const feeds = sampleFeeds(model, built.x, [C, S, S], n, nRows, job.t, feedNames);
      for (const [name, tensor] of Object.entries(conditioningTensors(this.cond, nRows)))
        if (feedNames.includes(name)) feeds[name] = tensor;
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(feeds, this.outputs);
      } catch (e) {
        throw new CliError(`the forward pass failed: ${firstLine(e)}`);
      }
      for (const index of plan.blocks) {
        const output = model.blocks.find((b) => b.index === index)!.output;
        const tensor = result[output];
        if (!tensor) throw new CliError(`block ${index} (${output}) produced no output`);
        const dims = [...tensor.dims] as [number, number, number, number];
        if (dims.length !== 4 || dims[0] !== nRows)
          throw new CliError(
            `block ${index} has shape [${dims.join(', ')}], not [${nRows}, C, H, W]`,
          );
        let data = toFloat32(tensor, output).subarray(0, n * dims[1] * dims[2] * dims[3]);
        dims[0] = n;
        data = adaptiveAvgPool2d(data, dims, plan.pool);
        const part = parts.get(index) ?? { shape: [dims[1], plan.pool, plan.pool], data: [] };
        part.data.push(data);
        parts.set(index, part);
      }
      rows.push(...batch.map((b) => b.id));
    }
    const blocks = plan.blocks.flatMap((index) => {
      const part = parts.get(index);
      if (!part) return [];
      const data = new Float32Array(part.data.reduce((a, d) => a + d.length, 0));
      let at = 0;
      for (const d of part.data) {
        data.set(d, at);
        at += d.length;
      }
      return [{ index, shape: part.shape, data }];
    });
    return { t: job.t, rows, failed, blocks };
  }

  async close(): Promise<void> {
    this.src?.close();
    await this.encoder?.release();
    this.encoder = undefined;
    if (this.cut) {
      await this.cut.session.release();
      this.cut.cleanup();
    }
    this.cut = undefined;
    this.opening = undefined;
  }
}
