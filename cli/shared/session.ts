/**
 * onnxruntime-node sessions for the CLI: the graph cut after the outputs a command asks for
 * (src/core/onnx/edit.ts), models with external data placed where onnxruntime finds it, and the
 * tensors the commands feed and read.
 */
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { halfToFloat } from '../../src/core/npy';
import { pruneToOutputs } from '../../src/core/onnx/edit';
import { parseModel, type ValueInfo } from '../../src/core/onnx/model';
import { CliError, firstLine } from './errors';

export interface CutSession {
  session: ort.InferenceSession;
  /** The cut graph's inputs that need a feed (inputs that are not initializers). */
  inputs: ValueInfo[];
  /** Removes what was written for the session (call after releasing it). */
  cleanup: () => void;
}

/**
 * A session on `model` cut after the last of `outputs`. A model whose weights live in external
 * data files is written where onnxruntime resolves their relative paths (placeWithExternalData).
 */
export async function openCutSession(
  model: { bytes: Uint8Array; path: string },
  outputs: readonly string[],
  threads: number,
  executionProviders: readonly string[] = ['cpu'],
): Promise<CutSession> {
  const cut = pruneToOutputs(model.bytes, outputs);
  const cutModel = parseModel(cut);
  const inits = new Set(cutModel.graph.initializers.map((t) => t.name));
  const inputs = cutModel.graph.inputs.filter((i) => !inits.has(i.name));
  const locations = cutModel.graph.initializers.flatMap((t) =>
    t.external ? [t.external.location] : [],
  );
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    executionProviders: [...executionProviders],
  };
  let cleanup = (): void => {};
  try {
    if (locations.length > 0) {
      const placed = placeWithExternalData(cut, model.path, locations);
      cleanup = placed.cleanup;
      return { session: await ort.InferenceSession.create(placed.file, options), inputs, cleanup };
    }
    return { session: await ort.InferenceSession.create(cut, options), inputs, cleanup };
  } catch (e) {
    cleanup();
    throw new CliError(`onnxruntime could not load the model: ${firstLine(e)}`);
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

/** A tensor of `dims` filled with `value` (0 for a zero feed), in an ONNX input's dtype. */
export function filledTensor(dtype: string, dims: number[], value = 0): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (dtype) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(n).fill(value), dims);
    case 'float64':
      return new ort.Tensor('float64', new Float64Array(n).fill(value), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n).fill(BigInt(value)), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n).fill(value), dims);
  }
  if (value !== 0) throw new CliError(`cannot feed ${value} to an input of type ${dtype}`);
  switch (dtype) {
    case 'float16':
      return new ort.Tensor('float16', new Uint16Array(n), dims);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(n), dims);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(n), dims);
    default:
      throw new CliError(`cannot feed an input of type ${dtype}`);
  }
}

/** An output's values as float32 (float16 widened); other types are an error. */
export function toFloat32(t: ort.Tensor, name: string): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const src = t.data as Uint16Array;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]!);
    return out;
  }
  throw new CliError(`output ${name} is ${t.type}; extract writes float features only`);
}

/**
 * The sample and timestep feeds of one batch of `n` items: `x` ([n, …item]) padded with −1 to
 * `rows` items (a model of fixed batch size), and t as one value per row, or as a single value
 * for a rank-0 (`scalar`) timestep input. Inputs the cut graph does not take (`feedNames`) are
 * left out.
 */
export function sampleFeeds(
  model: {
    image: { name: string };
    timestep: { name: string; dtype: string; scalar: boolean };
  },
  x: Float32Array,
  item: readonly number[],
  n: number,
  rows: number,
  t: number,
  feedNames: readonly string[],
): Record<string, ort.Tensor> {
  let padded = x;
  if (rows > n) {
    padded = new Float32Array(rows * item.reduce((a, b) => a * b, 1)).fill(-1);
    padded.set(x);
  }
  const feeds: Record<string, ort.Tensor> = {
    [model.image.name]: new ort.Tensor('float32', padded, [rows, ...item]),
  };
  const ts = model.timestep;
  if (feedNames.includes(ts.name))
    feeds[ts.name] = filledTensor(ts.dtype, ts.scalar ? [] : [rows], t);
  return feeds;
}
