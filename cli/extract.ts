/**
 * `diffprobe extract`: block features of a set of images, headless, as .npy files.
 *
 * For every image (PNG from a folder or zip, see ./images.ts): decode, fit to the model's input
 * (src/core/image/prepare.ts), noise to x_t with the seeded noise of (seed, item path, t) — or
 * feed x0 with `--noise none` — exactly as the app does (src/core/features/batch.ts), then ONE
 * forward pass per batch on the graph cut after the last requested block gives every requested
 * block, pooled p×p (adaptive average pooling) or kept whole with `--pool 0`.
 *
 * Writes, in the output folder: `block_<n>.npy` (float32 [N, C, p, p], or [N, C, H, W]) per
 * block, streamed batch by batch (the header's N is filled in at the end), and `index.json`
 * describing the run: model, sha256, t, pool, seed, noise, blocks, files (item paths, in row
 * order), labels (class index or null), classes and skipped files. Images that fail to decode are
 * skipped and listed, not fatal.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildInputs, type FeatureItem } from '../src/core/features/batch';
import { checkRequest, type NoiseMode } from '../src/core/features/request';
import { ImageDecodeError } from '../src/core/image/png';
import { prepareImage, type FitMode } from '../src/core/image/prepare';
import type { ModelManifest } from '../src/core/manifest/types';
import { halfToFloat } from '../src/core/npy';
import { proposeBlocks } from '../src/core/onnx/blocks';
import { pruneToOutputs } from '../src/core/onnx/edit';
import { parseModel, type OnnxModel } from '../src/core/onnx/model';
import { adaptiveAvgPool2d } from '../src/core/pool';
import { makeSchedule, type NoiseSchedule } from '../src/core/schedule';
import { openImages, selectSplit, type ImageItem, type SkippedFile, type Split } from './images';
import { CliError, DEFAULT_SCHEDULE, firstLine, readManifest } from './inspect';

export interface ExtractOptions {
  /** A model folder (model.onnx + manifest.json) or a bare .onnx file. */
  model: string;
  /** A folder or .zip of PNGs. */
  images: string;
  /** Output folder (created if missing). */
  out: string;
  t: number;
  /** 1-based block numbers, or 'all'. */
  blocks: number[] | 'all';
  /** Pool size p; 0 keeps the full maps. */
  pool: number;
  seed: number;
  noise: NoiseMode;
  /** Images per forward pass. */
  batch: number;
  split?: Split;
  /** Image size for a model whose input size is symbolic (and no manifest says). */
  size?: number;
  /** How images larger than the model's input are fitted. */
  fit: FitMode;
  /** onnxruntime intra-op threads. */
  threads: number;
}

export interface ModelBlock {
  index: number;
  output: string;
}

/** What extract needs to know about a model. */
export interface ResolvedModel {
  path: string;
  bytes: Uint8Array;
  sha256: string;
  manifest: ModelManifest | undefined;
  blocks: ModelBlock[];
  schedule: NoiseSchedule;
  image: { name: string; size: number; channels: 1 | 3; batch: number | undefined };
  timestep: { name: string; dtype: string };
  warnings: string[];
}

export interface IndexJson {
  model: string;
  sha256: string;
  manifest: string | null;
  images: string;
  split: Split | null;
  t: number;
  pool: number;
  seed: number;
  noise: NoiseMode;
  image: { size: number; channels: number; fit: FitMode };
  schedule: NoiseSchedule;
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

export interface ExtractIo {
  /** Progress and warnings (stderr). */
  err: (text: string) => void;
}

// ---------- arguments ----------

function intArg(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isSafeInteger(n) || n < min) {
    throw new CliError(
      `${flag} needs an integer${min > 0 ? ` ≥ ${min}` : min === 0 ? ' ≥ 0' : ''}, got ${value ?? 'nothing'}`,
    );
  }
  return n;
}

/** "12,14", "1-19", "3,5-7" or "all". */
export function parseBlocks(value: string | undefined): number[] | 'all' {
  if (value === undefined || value.trim() === '')
    throw new CliError('--blocks needs a list, e.g. 12,14 or 1-19 or all');
  if (value.trim() === 'all') return 'all';
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new CliError(`--blocks: cannot read "${part}" (use e.g. 12,14 or 1-19 or all)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new CliError(`--blocks: empty range ${part}`);
    for (let i = a; i <= b; i++) if (!out.includes(i)) out.push(i);
  }
  return out;
}

/** Parses `extract`'s arguments (without the command name). */
export function parseExtractArgs(args: readonly string[]): ExtractOptions {
  const o: Partial<ExtractOptions> = {};
  const need = (i: number, flag: string): string => {
    const v = args[i];
    if (v === undefined || v.startsWith('--')) throw new CliError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    switch (a) {
      case '--model':
        o.model = need(++i, a);
        break;
      case '--images':
        o.images = need(++i, a);
        break;
      case '--out':
        o.out = need(++i, a);
        break;
      case '--t':
        o.t = intArg(a, args[++i], 0);
        break;
      case '--blocks':
        o.blocks = parseBlocks(args[++i]);
        break;
      case '--pool':
        o.pool = intArg(a, args[++i], 0);
        break;
      case '--seed':
        o.seed = intArg(a, args[++i], Number.MIN_SAFE_INTEGER);
        break;
      case '--noise': {
        const v = args[++i];
        if (v !== 'none' && v !== 'seeded') {
          throw new CliError(`--noise must be "seeded" or "none", got ${v ?? 'nothing'}`);
        }
        o.noise = v;
        break;
      }
      case '--batch':
        o.batch = intArg(a, args[++i], 1);
        break;
      case '--split': {
        const v = args[++i];
        if (v !== 'train' && v !== 'test') {
          throw new CliError(`--split must be train or test, got ${v ?? 'nothing'}`);
        }
        o.split = v;
        break;
      }
      case '--size':
        o.size = intArg(a, args[++i], 1);
        break;
      case '--fit': {
        const v = args[++i];
        if (v !== 'crop' && v !== 'pad') {
          throw new CliError(`--fit must be crop or pad, got ${v ?? 'nothing'}`);
        }
        o.fit = v;
        break;
      }
      case '--threads':
        o.threads = intArg(a, args[++i], 1);
        break;
      default:
        throw new CliError(
          a.startsWith('-') ? `extract: unknown option ${a}` : `extract: unexpected argument ${a}`,
        );
    }
  }
  for (const [key, flag] of [
    ['model', '--model <folder | model.onnx>'],
    ['images', '--images <folder | zip>'],
    ['out', '--out <dir>'],
    ['t', '--t <timestep>'],
    ['blocks', '--blocks <list>'],
  ] as const) {
    if (o[key] === undefined) throw new CliError(`extract: give ${flag}`);
  }
  return {
    model: o.model!,
    images: o.images!,
    out: o.out!,
    t: o.t!,
    blocks: o.blocks!,
    pool: o.pool ?? 2,
    seed: o.seed ?? 0,
    noise: o.noise ?? 'seeded',
    batch: o.batch ?? 32,
    fit: o.fit ?? 'crop',
    threads: o.threads ?? Math.min(4, availableParallelism()),
    ...(o.split !== undefined ? { split: o.split } : {}),
    ...(o.size !== undefined ? { size: o.size } : {}),
  };
}

// ---------- the model ----------

/** Reads a model folder or .onnx file: blocks, schedule, inputs and image size. */
export function resolveModel(target: string, size?: number): ResolvedModel {
  if (!existsSync(target)) throw new CliError(`${target}: no such file or folder`);
  let path = target;
  let manifest: ModelManifest | undefined;
  if (statSync(target).isDirectory()) {
    const mpath = join(target, 'manifest.json');
    if (existsSync(mpath)) manifest = readManifest(mpath);
    path = join(target, manifest?.file ?? 'model.onnx');
    if (!existsSync(path)) throw new CliError(`${target}: no ${basename(path)} in this folder`);
  }
  const bytes = new Uint8Array(readFileSync(path));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let model: OnnxModel;
  try {
    model = parseModel(bytes);
  } catch (e) {
    throw new CliError(`${path}: ${firstLine(e)}`);
  }
  const warnings: string[] = [];
  const inputOf = (name: string) => model.graph.inputs.find((i) => i.name === name);

  if (manifest) {
    if (manifest.sha256 !== sha256) {
      warnings.push(`sha256 of ${basename(path)} does not match the manifest (${manifest.sha256})`);
    }
    if (manifest.kind !== 'diffusion' || manifest.inputs.t === undefined || !manifest.schedule) {
      throw new CliError(
        `${target}: extract needs a diffusion model (this manifest is a ${manifest.kind})`,
      );
    }
    if (size !== undefined && size !== manifest.image.size) {
      throw new CliError(
        `--size ${size}: the manifest says the model takes ${manifest.image.size}×${manifest.image.size}`,
      );
    }
    const x = inputOf(manifest.inputs.x);
    const t = inputOf(manifest.inputs.t);
    if (!x || !t) {
      throw new CliError(
        `${path}: the graph has no input ${!x ? manifest.inputs.x : manifest.inputs.t}`,
      );
    }
    const b0 = x.shape?.[0];
    return {
      path,
      bytes,
      sha256,
      manifest,
      blocks: manifest.blocks.map((b) => ({ index: b.index, output: b.output })),
      schedule: { ...manifest.schedule },
      image: {
        name: x.name,
        size: manifest.image.size,
        channels: manifest.image.channels,
        batch: typeof b0 === 'number' && b0 > 0 ? b0 : undefined,
      },
      timestep: { name: t.name, dtype: manifest.inputs.tDtype ?? t.dtype },
      warnings,
    };
  }

  const proposal = proposeBlocks(model);
  if (proposal.blocks.length === 0) {
    throw new CliError(`${path}: ${proposal.reason ?? 'no blocks found'}`);
  }
  const image = proposal.image;
  const timestep = proposal.timestep;
  if (!image) throw new CliError(`${path}: no image input [B, C, H, W] found`);
  if (!timestep)
    throw new CliError(`${path}: no timestep input found (extract needs a diffusion U-Net)`);
  const [b0, c, h, w] = image.shape ?? [];
  const channels = typeof c === 'number' ? c : 3;
  if (channels !== 1 && channels !== 3) {
    throw new CliError(`${path}: the image input has ${channels} channels; extract feeds 1 or 3`);
  }
  let S: number;
  if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) {
    if (h !== w)
      throw new CliError(
        `${path}: the model takes ${w}×${h} images; extract feeds square images only`,
      );
    if (size !== undefined && size !== h) {
      throw new CliError(`--size ${size}: the model's input is fixed at ${h}×${h}`);
    }
    S = h;
  } else if (size !== undefined) {
    S = size;
  } else {
    throw new CliError(`${path}: the image input's size is symbolic; pass --size <pixels>`);
  }
  return {
    path,
    bytes,
    sha256,
    manifest: undefined,
    blocks: proposal.blocks.map((b) => ({ index: b.index, output: b.output })),
    schedule: { ...DEFAULT_SCHEDULE },
    image: {
      name: image.name,
      size: S,
      channels,
      batch: typeof b0 === 'number' && b0 > 0 ? b0 : undefined,
    },
    timestep: { name: timestep.name, dtype: timestep.dtype },
    warnings,
  };
}

function timestepTensor(dtype: string, t: number, n: number): ort.Tensor {
  switch (dtype) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(n).fill(t), [n]);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n).fill(BigInt(t)), [n]);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n).fill(t), [n]);
    case 'float64':
      return new ort.Tensor('float64', new Float64Array(n).fill(t), [n]);
    default:
      throw new CliError(`cannot feed a timestep of type ${dtype}`);
  }
}

/** A session on the graph cut to `outputs`; models with external data are written next to it. */
async function createSession(
  model: ResolvedModel,
  outputs: string[],
  threads: number,
): Promise<{ session: ort.InferenceSession; cleanup: () => void; feeds: string[] }> {
  const cut = pruneToOutputs(model.bytes, outputs);
  const cutModel = parseModel(cut);
  const inits = new Set(cutModel.graph.initializers.map((t) => t.name));
  const feeds = cutModel.graph.inputs.filter((i) => !inits.has(i.name)).map((i) => i.name);
  const extra = feeds.filter((n) => n !== model.image.name && n !== model.timestep.name);
  if (extra.length > 0) {
    throw new CliError(`the model has inputs extract cannot feed: ${extra.join(', ')}`);
  }
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  };
  let cleanup = (): void => {};
  try {
    if (cutModel.graph.initializers.some((t) => t.external !== undefined)) {
      // External data paths are relative to the model file: place the cut model beside it.
      const file = join(
        dirname(resolve(model.path)),
        `.diffprobe-${process.pid}-${Date.now()}.onnx`,
      );
      writeFileSync(file, cut, { flag: 'wx' });
      cleanup = () => rmSync(file, { force: true });
      return { session: await ort.InferenceSession.create(file, options), cleanup, feeds };
    }
    return { session: await ort.InferenceSession.create(cut, options), cleanup, feeds };
  } catch (e) {
    cleanup();
    throw new CliError(`onnxruntime could not load the model: ${firstLine(e)}`);
  }
}

// ---------- .npy streaming ----------

/**
 * The .npy (1.0) header of a float32 array, byte for byte as encodeNpy / NumPy write it. Its
 * length does not depend on the first axis (NumPy leaves room for 21 digits), so a file can be
 * written with N = 0 and its header rewritten once N is known.
 */
export function npyHeader(shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  if (shape.length > 0) header += ' '.repeat(21 - String(shape[0]).length);
  const padlen = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(padlen) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

class NpyWriter {
  private fd: number | undefined;
  private rest: number[] | undefined;
  private rows = 0;
  private position = 0;
  constructor(
    readonly tmpPath: string,
    readonly finalPath: string,
  ) {}

  get shape(): number[] {
    return [this.rows, ...(this.rest ?? [])];
  }

  /** Appends rows [n, ...rest]. */
  append(data: Float32Array, dims: readonly number[]): void {
    const rest = dims.slice(1);
    if (this.rest === undefined) {
      this.rest = rest;
      this.fd = openSync(this.tmpPath, 'w');
      this.write(npyHeader([0, ...rest]));
    } else if (rest.join(',') !== this.rest.join(',')) {
      throw new CliError(
        `the block's shape changed between batches: [${this.rest.join(', ')}] then [${rest.join(', ')}]`,
      );
    }
    this.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.rows += dims[0]!;
  }

  private write(bytes: Uint8Array, at?: number): void {
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(this.fd!, bytes, done, bytes.length - done, (at ?? this.position) + done);
    }
    if (at === undefined) this.position += bytes.length;
  }

  /** Writes the final header and moves the file into place. */
  finish(): void {
    if (this.fd === undefined) return;
    this.write(npyHeader(this.shape), 0);
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tmpPath, this.finalPath);
  }

  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmpPath, { force: true });
  }
}

function toFloat32(t: ort.Tensor, name: string): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const src = t.data as Uint16Array;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]!);
    return out;
  }
  throw new CliError(`output ${name} is ${t.type}; extract writes float features only`);
}

// ---------- the run ----------

const quiet: ExtractIo = { err: () => {} };

/** Runs extract; returns the summary that the CLI prints. */
export async function extract(
  opts: ExtractOptions,
  io: ExtractIo = quiet,
): Promise<ExtractSummary> {
  const model = resolveModel(opts.model, opts.size);
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

  const src = await openImages(opts.images);
  const writers: NpyWriter[] = [];
  let session: ort.InferenceSession | undefined;
  let cleanup = (): void => {};
  try {
    const items = selectSplit(src, opts.split);
    const skipped: SkippedFile[] =
      opts.split === undefined
        ? [...src.skipped]
        : src.skipped.filter((s) => s.path.split('/')[0]!.toLowerCase() === opts.split);
    if (items.length === 0) {
      const where = opts.split ? `${opts.images} (split ${opts.split})` : opts.images;
      const why = skipped.length
        ? `; skipped ${skipped.length}: ${skipped[0]!.path}: ${skipped[0]!.reason}`
        : '';
      throw new CliError(`${where}: no PNG images found${why}`);
    }
    const created = await createSession(model, outputs, opts.threads);
    session = created.session;
    cleanup = created.cleanup;

    mkdirSync(opts.out, { recursive: true });
    const tag = `.tmp-${process.pid}`;
    for (const b of blocks) {
      const file = join(opts.out, `block_${b.index}.npy`);
      writers.push(new NpyWriter(file + tag, file));
    }

    const { size: S, channels: C } = model.image;
    const shape = [C, S, S] as const;
    const fixed = model.image.batch;
    const batchSize = fixed ?? opts.batch;
    const done: ImageItem[] = [];
    let failed = 0;
    io.err(
      `extract: ${items.length} PNGs in ${src.classes.length} classes` +
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
      const batch: { item: ImageItem; feature: FeatureItem }[] = [];
      for (const item of items.slice(start, start + batchSize)) {
        try {
          const x0 = prepareImage(await src.load(item), { size: S, channels: C, mode: opts.fit });
          batch.push({ item, feature: { id: item.path, x0 } });
        } catch (e) {
          if (!(e instanceof ImageDecodeError)) throw e;
          skipped.push({ path: item.path, reason: e.message });
          failed++;
        }
      }
      if (batch.length === 0) continue;
      const n = batch.length;
      const inputs = buildInputs(
        batch.map((b) => b.feature),
        shape,
        sched,
        req,
      );
      const rows = fixed ?? n;
      let x = inputs.x;
      if (rows > n) {
        x = new Float32Array(rows * C * S * S).fill(-1); // pad a fixed-size batch
        x.set(inputs.x);
      }
      const feeds: Record<string, ort.Tensor> = {
        [model.image.name]: new ort.Tensor('float32', x, [rows, C, S, S]),
      };
      if (created.feeds.includes(model.timestep.name)) {
        feeds[model.timestep.name] = timestepTensor(model.timestep.dtype, opts.t, rows);
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
        `${opts.images}: none of the ${items.length} PNGs could be decoded (${skipped.at(-1)?.reason ?? ''})`,
      );
    }
    for (const w of writers) w.finish();

    const index: IndexJson = {
      model: model.path,
      sha256: model.sha256,
      manifest: model.manifest?.id ?? null,
      images: opts.images,
      split: opts.split ?? null,
      t: opts.t,
      pool: opts.pool,
      seed: opts.seed,
      noise: opts.noise,
      image: { size: S, channels: C, fit: opts.fit },
      schedule: model.schedule,
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
    cleanup();
  }
}
