/**
 * `diffprobe inspect`: what diffprobe sees in a model — inputs, blocks (with [C, H, W] from one
 * forward pass), schedule and parameter count — as JSON.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { validateManifest } from '../src/core/manifest/validate';
import { PAPER_SCHEDULE } from '../src/core/schedule';
import type { ModelManifest } from '../src/core/manifest/types';
import { proposeBlocks, type Stage } from '../src/core/onnx/blocks';
import { pruneToOutputs } from '../src/core/onnx/edit';
import { parseModel, type Dim, type OnnxModel } from '../src/core/onnx/model';

/** A failure the CLI reports as one line. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface InspectOptions {
  /** Run one forward pass to measure block shapes (default true). */
  run?: boolean;
  /** Image size to use when the image input's height/width are symbolic and no manifest says. */
  size?: number;
  /** onnxruntime intra-op threads (default 1: inspect is one small forward pass). */
  threads?: number;
}

export interface InspectBlock {
  index: number;
  name: string;
  stage: Stage;
  /** [C, H, W]; null when unknown (no forward pass and no manifest / value_info). */
  shape: number[] | null;
  output: string;
}

export interface InspectResult {
  model: string;
  sha256: string;
  manifest: boolean;
  inputs: { name: string; dtype: string; shape: Dim[] | null }[];
  blocks: InspectBlock[];
  schedule: {
    kind: 'linear';
    T: number;
    betaStart: number;
    betaEnd: number;
    source: 'manifest' | 'default';
  };
  /** Number of parameters stored in the ONNX file (initializer elements). */
  parameters: number;
  /** Things that look wrong but do not stop inspection (e.g. a sha256 mismatch). */
  warnings: string[];
}

/** The paper's schedule, used when no manifest states one. */
export const DEFAULT_SCHEDULE = PAPER_SCHEDULE;

/** Reads and validates a manifest.json; a CliError names what is wrong. */
export function readManifest(path: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const v = validateManifest(json);
  if (!v.ok) {
    const more = v.errors.length > 1 ? ` (and ${v.errors.length - 1} more)` : '';
    throw new CliError(`${path}: invalid manifest: ${v.errors[0]}${more}`);
  }
  return v.manifest;
}

/** A zero tensor for a graph input; symbolic dims become 1 unless `dims` says otherwise. */
function zeros(dtype: string, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (dtype) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(n), dims);
    case 'float16':
      return new ort.Tensor('float16', new Uint16Array(n), dims);
    case 'float64':
      return new ort.Tensor('float64', new Float64Array(n), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n), dims);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(n), dims);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(n), dims);
    default:
      throw new CliError(`cannot feed an input of type ${dtype}`);
  }
}

/** The concrete feed shape of an input: batch 1, image size from the manifest or options. */
function feedDims(
  name: string,
  shape: readonly Dim[] | undefined,
  isImage: boolean,
  image: { size: number; channels: number } | undefined,
): number[] {
  if (shape === undefined) {
    throw new CliError(`input ${name} has no shape in the graph; cannot build a feed for it`);
  }
  return shape.map((d, i) => {
    if (typeof d === 'number' && d > 0) return d;
    if (i === 0) return 1;
    if (isImage && image) return i === 1 ? image.channels : image.size;
    if (isImage) {
      throw new CliError(
        `input ${name} has symbolic dims [${shape.join(', ')}]; pass --size <pixels> to run it`,
      );
    }
    return 1;
  });
}

/**
 * Runs the model once on zeros (batch 1, t = 0), asking only for `outputs`; the graph is cut
 * after the last of them first. Returns each output's dims.
 */
async function measureShapes(
  model: OnnxModel,
  modelPath: string,
  outputs: string[],
  imageName: string | undefined,
  image: { size: number; channels: number } | undefined,
  threads: number,
): Promise<Map<string, number[]>> {
  const cut = pruneToOutputs(model.bytes, outputs);
  const feeds: Record<string, ort.Tensor> = {};
  const cutModel = parseModel(cut);
  const inits = new Set(cutModel.graph.initializers.map((t) => t.name));
  for (const input of cutModel.graph.inputs) {
    if (inits.has(input.name)) continue;
    const isImage = input.name === imageName;
    feeds[input.name] = zeros(input.dtype, feedDims(input.name, input.shape, isImage, image));
  }
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  };
  const external = model.graph.initializers.filter((t) => t.external !== undefined);
  let cleanup: (() => void) | undefined;
  let session: ort.InferenceSession;
  try {
    if (external.length > 0) {
      const placed = placeWithExternalData(
        cut,
        modelPath,
        external.map((t) => t.external!.location),
      );
      cleanup = placed.cleanup;
      session = await ort.InferenceSession.create(placed.file, options);
    } else {
      session = await ort.InferenceSession.create(cut, options);
    }
  } catch (e) {
    cleanup?.();
    throw new CliError(`onnxruntime could not load the model: ${firstLine(e)}`);
  }
  try {
    const res = await session.run(feeds, outputs);
    const shapes = new Map<string, number[]>();
    for (const o of outputs) {
      const t = res[o];
      if (t) shapes.set(o, [...t.dims]);
    }
    return shapes;
  } catch (e) {
    throw new CliError(`the forward pass failed: ${firstLine(e)}`);
  } finally {
    await session.release();
    cleanup?.();
  }
}

/**
 * Writes an edited model where onnxruntime finds its external data files (their paths are relative
 * to the model file, and onnxruntime refuses links that lead out of its folder): a hidden file
 * next to the original model, or, when that folder is read-only, a temporary folder with hard
 * links (or copies) of the data files.
 */
function placeWithExternalData(
  bytes: Uint8Array,
  modelPath: string,
  locations: string[],
): { file: string; cleanup: () => void } {
  const dir = dirname(resolve(modelPath));
  const hidden = join(dir, `.diffprobe-${process.pid}-${Date.now()}.onnx`);
  try {
    writeFileSync(hidden, bytes, { flag: 'wx' });
    return { file: hidden, cleanup: () => rmSync(hidden, { force: true }) };
  } catch {
    // Read-only folder: fall through.
  }
  const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-'));
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    for (const loc of new Set(locations)) {
      const target = join(tmp, loc);
      mkdirSync(dirname(target), { recursive: true });
      try {
        linkSync(join(dir, loc), target);
      } catch {
        copyFileSync(join(dir, loc), target);
      }
    }
    const file = join(tmp, 'model.onnx');
    writeFileSync(file, bytes);
    return { file, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (
    msg
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? msg
  );
}

/** Inspects `target`: a model folder (model.onnx + manifest.json) or a bare .onnx file. */
export async function inspect(
  target: string,
  options: InspectOptions = {},
): Promise<InspectResult> {
  if (!existsSync(target)) throw new CliError(`${target}: no such file or folder`);
  let modelPath: string;
  let manifest: ModelManifest | undefined;
  if (statSync(target).isDirectory()) {
    const manifestPath = join(target, 'manifest.json');
    if (existsSync(manifestPath)) manifest = readManifest(manifestPath);
    modelPath = join(target, manifest?.file ?? 'model.onnx');
    if (!existsSync(modelPath)) {
      throw new CliError(`${target}: no ${basename(modelPath)} in this folder`);
    }
  } else {
    modelPath = target;
  }

  const bytes = new Uint8Array(readFileSync(modelPath));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let model: OnnxModel;
  try {
    model = parseModel(bytes);
  } catch (e) {
    throw new CliError(`${modelPath}: ${firstLine(e)}`);
  }
  const warnings: string[] = [];
  if (manifest && manifest.sha256 !== sha256) {
    warnings.push(
      `sha256 of ${basename(modelPath)} does not match the manifest (${manifest.sha256})`,
    );
  }
  if (manifest && manifest.bytes !== bytes.length) {
    warnings.push(
      `${basename(modelPath)} has ${bytes.length} bytes, the manifest says ${manifest.bytes}`,
    );
  }

  const proposal = proposeBlocks(model);
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  const inputs = model.graph.inputs
    .filter((i) => !inits.has(i.name))
    .map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape ? [...i.shape] : null }));

  let blocks: InspectBlock[];
  if (manifest) {
    blocks = manifest.blocks.map((b) => ({
      index: b.index,
      name: b.module ?? b.output,
      stage: b.stage,
      shape: [b.channels, b.height, b.width],
      output: b.output,
    }));
  } else {
    if (proposal.blocks.length === 0) {
      throw new CliError(`${modelPath}: ${proposal.reason ?? 'no blocks found'}`);
    }
    blocks = proposal.blocks.map((b) => {
      const s = b.shape?.slice(1);
      const known = s !== undefined && s.length > 0 && s.every((d) => typeof d === 'number');
      return {
        index: b.index,
        name: b.name,
        stage: b.stage,
        shape: known ? (s as number[]) : null,
        output: b.output,
      };
    });
  }

  if (options.run !== false) {
    const image = manifest
      ? { size: manifest.image.size, channels: manifest.image.channels }
      : options.size !== undefined
        ? { size: options.size, channels: imageChannels(proposal.image?.shape) }
        : undefined;
    const shapes = await measureShapes(
      model,
      modelPath,
      blocks.map((b) => b.output),
      manifest?.inputs.x ?? proposal.image?.name,
      image,
      options.threads ?? 1,
    );
    for (const b of blocks) {
      const dims = shapes.get(b.output);
      if (!dims) {
        warnings.push(`block ${b.index} (${b.output}) produced no output`);
        continue;
      }
      const chw = dims.slice(1);
      if (b.shape && manifest && b.shape.join(',') !== chw.join(',')) {
        warnings.push(
          `block ${b.index}: the manifest says [${b.shape.join(', ')}], the model gives [${chw.join(', ')}]`,
        );
      }
      b.shape = chw;
    }
  }

  const s = manifest?.schedule;
  const schedule = s
    ? {
        kind: s.kind,
        T: s.T,
        betaStart: s.betaStart,
        betaEnd: s.betaEnd,
        source: 'manifest' as const,
      }
    : { ...DEFAULT_SCHEDULE, source: 'default' as const };

  return {
    model: modelPath,
    sha256,
    manifest: manifest !== undefined,
    inputs,
    blocks,
    schedule,
    parameters: model.graph.parameterCount,
    warnings,
  };
}

function imageChannels(shape: readonly Dim[] | undefined): number {
  const c = shape?.[1];
  return typeof c === 'number' ? c : 3;
}
