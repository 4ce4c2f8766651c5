/**
 * `diffprobe extract`: block features of a set of images, headless, as .npy files.
 *
 * For every image (PNG, JPEG or WebP from a folder or zip, see ../shared/images.ts): decode, fit
 * to the model's input (src/core/image/prepare.ts), noise to x_t with the seeded noise of (seed, item path, t) — or
 * feed x0 with `--noise none` — exactly as the app does (src/core/features/batch.ts), then ONE
 * forward pass per batch on the graph cut after the last requested block gives every requested
 * block, pooled p×p (adaptive average pooling) or kept whole with `--pool 0`.
 *
 * A model whose manifest names an `encoder` (latent diffusion) gets x0 = scale × encoder(image);
 * `--x0 FILE.npy` gives ready-made x0 rows [N, C, H, W] in the U-Net's input range instead of
 * images (latents for a latent model: the encoder is not run), with labels from `--labels`.
 *
 * Conditioning inputs get their values from `--cond NAME=INTEGER` (one class id for every image)
 * or `--cond NAME=FILE.npy` (context states, see ../shared/cond.ts).
 *
 * Writes, in the output folder: `block_<n>.npy` (float32 [N, C, p, p], or [N, C, H, W]) per
 * block, streamed batch by batch (the header's N is filled in at the end), and `index.json`
 * describing the run: model, sha256, t, pool, seed, noise, blocks, files (item paths, in row
 * order), labels (class index or null), classes and skipped files. Images that fail to decode are
 * skipped and listed, not fatal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildInputs, type FeatureItem } from '../../src/core/features/batch';
import { checkRequest, type NoiseMode } from '../../src/core/features/request';
import { ImageDecodeError } from '../../src/core/image/png';
import { prepareImage, type FitMode } from '../../src/core/image/prepare';
import { adaptiveAvgPool2d } from '../../src/core/pool';
import { makeSchedule, type NoiseSchedule } from '../../src/core/schedule';
import { conditioningFeeds, type CondFeed } from '../shared/cond';
import { CliError, firstLine } from '../shared/errors';
import {
  openImages,
  selectSplit,
  type ImageItem,
  type SkippedFile,
  type Split,
} from '../shared/images';
import { formatJson, quietIo, type Io } from '../shared/io';
import { openEncoderSession, readX0, tensorSource, type EncoderSession } from '../shared/latent';
import { resolveModel } from '../shared/model';
import { NpyWriter } from '../shared/npyWriter';
import { openCutSession, sampleFeeds, toFloat32 } from '../shared/session';
import { parseExtractArgs, type ExtractOptions } from './extractArgs';

export { parseBlocks, parseExtractArgs, type ExtractOptions } from './extractArgs';

export interface IndexJson {
  model: string;
  sha256: string;
  manifest: string | null;
  /** The image folder or zip (null with --x0). */
  images: string | null;
  /** The --x0 file (null with images). */
  x0: string | null;
  /** The encoder run on the images before noising (latent models), or null. */
  encoder: { file: string; sha256: string; scale: number; latent: number[] } | null;
  split: Split | null;
  t: number;
  pool: number;
  seed: number;
  noise: NoiseMode;
  image: { size: number; channels: number; fit: FitMode };
  schedule: NoiseSchedule;
  /** The values given to conditioning inputs (empty for an unconditional model). */
  conditioning: CondFeed['record'][];
  blocks: { index: number; output: string; file: string; shape: number[] }[];
  files: string[];
  labels: (number | null)[];
  classes: string[];
  skipped: SkippedFile[];
}

export interface ExtractSummary {
  out: string;
  images: number;
  skipped: number;
  blocks: { index: number; file: string; shape: number[] }[];
  seconds: number;
  imagesPerSecond: number;
  warnings: string[];
}

/** Progress and warnings (stderr). */
export type ExtractIo = Pick<Io, 'err'>;

// ---------- the run ----------

/** Runs extract; returns the summary that the CLI prints. */
export async function extract(
  opts: ExtractOptions,
  io: ExtractIo = quietIo,
): Promise<ExtractSummary> {
  const model = resolveModel(opts.model, opts.size, { tensors: opts.x0 !== undefined });
  for (const w of model.warnings) io.err(`diffprobe: warning: ${w}\n`);
  const sched = makeSchedule(model.schedule);
  const wanted = opts.blocks === 'all' ? model.blocks.map((b) => b.index) : opts.blocks;
  const req = { t: opts.t, blocks: wanted, pool: opts.pool, seed: opts.seed, noise: opts.noise };
  try {
    checkRequest(req, model.blocks.length, sched.T);
  } catch (e) {
    throw new CliError(firstLine(e));
  }
  const blocks = wanted.map((index) => {
    const b = model.blocks.find((x) => x.index === index);
    if (!b) throw new CliError(`block ${index} does not exist in this model`);
    return b;
  });
  const outputs = [...new Set(blocks.map((b) => b.output))];

  const tensors = opts.x0 !== undefined ? readX0(opts.x0, opts.labels, model.sample) : undefined;
  const src = tensors ? tensorSource(opts.x0!, tensors) : await openImages(opts.images!);
  const sourceName = opts.x0 ?? opts.images!;
  const writers: NpyWriter[] = [];
  let session: ort.InferenceSession | undefined;
  let encoder: EncoderSession | undefined;
  let cleanup = (): void => {};
  try {
    const items = selectSplit(src, opts.split);
    const skipped: SkippedFile[] =
      opts.split === undefined
        ? [...src.skipped]
        : src.skipped.filter((s) => s.path.split('/')[0]!.toLowerCase() === opts.split);
    if (items.length === 0) {
      const where = opts.split ? `${sourceName} (split ${opts.split})` : sourceName;
      const why = skipped.length
        ? `; skipped ${skipped.length}: ${skipped[0]!.path}: ${skipped[0]!.reason}`
        : '';
      throw new CliError(`${where}: no PNG, JPEG or WebP images found${why}`);
    }
    const cond = conditioningFeeds(model, opts.cond ?? [], items.length);
    const created = await openCutSession(model, outputs, opts.threads);
    session = created.session;
    cleanup = created.cleanup;
    const feedNames = created.inputs.map((i) => i.name);

    mkdirSync(opts.out, { recursive: true });
    const tag = `.tmp-${process.pid}`;
    for (const b of blocks) {
      const file = join(opts.out, `block_${b.index}.npy`);
      writers.push(new NpyWriter(file + tag, file));
    }

    const { size: S, channels: C } = model.sample;
    const shape = [C, S, S] as const;
    const pixels = model.image;
    if (model.encoder && !tensors) encoder = await openEncoderSession(model.encoder, opts.threads);
    const fixed = model.image.batch;
    const batchSize = fixed ?? opts.batch;
    const done: ImageItem[] = [];
    let failed = 0;
    io.err(
      `extract: ${items.length} images in ${src.classes.length} classes` +
        (skipped.length ? `; skipped ${skipped.length} other files` : '') +
        '\n',
    );
    const started = performance.now();
    let lastReport = started;
    const report = (final: boolean): void => {
      const now = performance.now();
      if (!final && now - lastReport < 1000) return;
      lastReport = now;
      const rate = done.length / Math.max((now - started) / 1000, 1e-9);
      io.err(
        `extract: ${done.length + failed}/${items.length} images, ${rate.toFixed(1)} images/s` +
          (failed ? `, ${failed} not decoded` : '') +
          '\n',
      );
    };

    for (let start = 0; start < items.length; start += batchSize) {
      const batch: { item: ImageItem; feature: FeatureItem; row: number }[] = [];
      for (const [k, item] of items.slice(start, start + batchSize).entries()) {
        if (tensors) {
          batch.push({
            item,
            feature: { id: item.path, x0: tensors.row(start + k) },
            row: start + k,
          });
          continue;
        }
        try {
          const { size, channels } = pixels;
          const x0 = prepareImage(await src.load(item), { size, channels, mode: opts.fit });
          batch.push({ item, feature: { id: item.path, x0 }, row: start + k });
        } catch (e) {
          if (!(e instanceof ImageDecodeError)) throw e;
          skipped.push({ path: item.path, reason: e.message });
          failed++;
        }
      }
      if (batch.length === 0) continue;
      const n = batch.length;
      if (encoder) {
        const per = pixels.channels * pixels.size * pixels.size;
        const stacked = new Float32Array(n * per);
        batch.forEach((b, i) => stacked.set(b.feature.x0, i * per));
        const latents = await encoder.encode(stacked, [
          n,
          pixels.channels,
          pixels.size,
          pixels.size,
        ]);
        const size = C * S * S;
        batch.forEach((b, i) => (b.feature.x0 = latents.subarray(i * size, (i + 1) * size)));
      }
      const inputs = buildInputs(
        batch.map((b) => b.feature),
        shape,
        sched,
        req,
      );
      const rows = fixed ?? n;
      const feeds = sampleFeeds(model, inputs.x, shape, n, rows, opts.t, feedNames);
      for (const c of cond) {
        if (feedNames.includes(c.name))
          feeds[c.name] = c.tensor(
            batch.map((b) => b.row),
            rows,
          );
      }
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(feeds, outputs);
      } catch (e) {
        throw new CliError(`the forward pass failed: ${firstLine(e)}`);
      }
      blocks.forEach((b, k) => {
        const tensor = result[b.output];
        if (!tensor) throw new CliError(`block ${b.index} (${b.output}) produced no output`);
        const dims = [...tensor.dims];
        let data = toFloat32(tensor, b.output);
        if (dims[0] !== rows) {
          throw new CliError(
            `block ${b.index} has shape [${dims.join(', ')}]; expected a batch axis of ${rows}`,
          );
        }
        if (rows > n) {
          const per = data.length / rows;
          data = data.subarray(0, n * per);
          dims[0] = n;
        }
        if (opts.pool > 0) {
          if (dims.length !== 4) {
            throw new CliError(
              `block ${b.index} has shape [${dims.join(', ')}]; pooling needs [N, C, H, W] (use --pool 0)`,
            );
          }
          data = adaptiveAvgPool2d(data, dims as [number, number, number, number], opts.pool);
          dims[2] = opts.pool;
          dims[3] = opts.pool;
        }
        writers[k]!.append(data, dims);
      });
      done.push(...batch.map((b) => b.item));
      report(false);
    }
    const seconds = (performance.now() - started) / 1000;
    report(true);
    if (done.length === 0) {
      throw new CliError(
        `${sourceName}: none of the ${items.length} images could be decoded (${skipped.at(-1)?.reason ?? ''})`,
      );
    }
    for (const w of writers) w.finish();

    const index: IndexJson = {
      model: model.path,
      sha256: model.sha256,
      manifest: model.manifest?.id ?? null,
      images: opts.images ?? null,
      x0: opts.x0 ?? null,
      encoder:
        model.encoder && !tensors
          ? {
              file: model.encoder.path,
              sha256: model.encoder.sha256,
              scale: model.encoder.scale,
              latent: [C, S, S],
            }
          : null,
      split: opts.split ?? null,
      t: opts.t,
      pool: opts.pool,
      seed: opts.seed,
      noise: opts.noise,
      image: tensors
        ? { size: S, channels: C, fit: opts.fit }
        : { size: pixels.size, channels: pixels.channels, fit: opts.fit },
      schedule: model.schedule,
      conditioning: cond.map((c) => c.record),
      blocks: blocks.map((b, k) => ({
        index: b.index,
        output: b.output,
        file: `block_${b.index}.npy`,
        shape: writers[k]!.shape,
      })),
      files: done.map((i) => i.path),
      labels: done.map((i) => i.label),
      classes: src.classes,
      skipped,
    };
    writeFileSync(join(opts.out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
    return {
      out: opts.out,
      images: done.length,
      skipped: skipped.length,
      blocks: index.blocks.map((b) => ({
        index: b.index,
        file: join(opts.out, b.file),
        shape: b.shape,
      })),
      seconds: Math.round(seconds * 1000) / 1000,
      imagesPerSecond: Math.round((done.length / Math.max(seconds, 1e-9)) * 10) / 10,
      warnings: model.warnings,
    };
  } catch (e) {
    for (const w of writers) w.abort();
    throw e;
  } finally {
    src.close();
    if (session) await session.release();
    if (encoder) await encoder.release();
    cleanup();
  }
}

/** Runs `extract` with its arguments; prints the summary as JSON. */
export async function extractCommand(args: readonly string[], io: Io): Promise<void> {
  const summary = await extract(parseExtractArgs(args), io);
  io.out(formatJson(summary) + '\n');
}
