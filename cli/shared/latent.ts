/**
 * Latent and tensor inputs for the CLI: a manifest's `encoder` (an ONNX image → latent model,
 * run before noising: x0 = scale × encoder(image)), and `--x0 FILE.npy`, ready-made x0 tensors
 * [N, C, H, W] in the U-Net's input range (with `--labels FILE.npy`, integer [N], optional).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { EncoderInfo } from '../../src/core/manifest/types';
import { NpyError, parseNpy } from '../../src/core/npy';
import { parseModel } from '../../src/core/onnx/model';
import { CliError, firstLine } from './errors';
import type { ImageSource } from './images';

/** A manifest's encoder, read and checked against the manifest. */
export interface ResolvedEncoder {
  path: string;
  bytes: Uint8Array;
  sha256: string;
  input: string;
  output: string;
  scale: number;
  latent: { channels: number; size: number };
}

/**
 * Reads the encoder a manifest names, next to `modelPath`. A sha256 or size that does not match
 * the manifest is a warning, as for the model file.
 */
export function openEncoder(
  modelPath: string,
  info: EncoderInfo,
): { encoder: ResolvedEncoder; warnings: string[] } {
  const path = join(dirname(modelPath), info.file);
  if (!existsSync(path)) {
    throw new CliError(`${path}: the manifest names this encoder, but the file is missing`);
  }
  const bytes = new Uint8Array(readFileSync(path));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const warnings: string[] = [];
  if (sha256 !== info.sha256) {
    warnings.push(`sha256 of ${info.file} does not match the manifest (${info.sha256})`);
  }
  if (bytes.length !== info.bytes) {
    warnings.push(`${info.file} has ${bytes.length} bytes, the manifest says ${info.bytes}`);
  }
  let graph;
  try {
    graph = parseModel(bytes).graph;
  } catch (e) {
    throw new CliError(`${path}: ${firstLine(e)}`);
  }
  const inits = new Set(graph.initializers.map((t) => t.name));
  const feeds = graph.inputs.filter((i) => !inits.has(i.name));
  const input = info.input ?? (feeds.length === 1 ? feeds[0]!.name : undefined);
  if (input === undefined || !feeds.some((i) => i.name === input)) {
    throw new CliError(
      `${path}: ${info.input !== undefined ? `no input ${info.input}` : `${feeds.length} inputs`}; ` +
        `the encoder takes one image input (name it in encoder.input)`,
    );
  }
  const output = info.output ?? graph.outputs[0]?.name;
  if (output === undefined || !graph.outputs.some((o) => o.name === output)) {
    throw new CliError(`${path}: no output ${output ?? ''} (name it in encoder.output)`);
  }
  return {
    encoder: { path, bytes, sha256, input, output, scale: info.scale, latent: { ...info.latent } },
    warnings,
  };
}

/** An onnxruntime session on the encoder: images [n, C, S, S] → scale × latents. */
export interface EncoderSession {
  encode(
    images: Float32Array,
    dims: readonly [number, number, number, number],
  ): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function openEncoderSession(
  encoder: ResolvedEncoder,
  threads: number,
): Promise<EncoderSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encoder.bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
  } catch (e) {
    throw new CliError(`onnxruntime could not load the encoder: ${firstLine(e)}`);
  }
  const { channels: c, size: s } = encoder.latent;
  return {
    async encode(images, dims) {
      let out: ort.Tensor | undefined;
      try {
        const r = await session.run({
          [encoder.input]: new ort.Tensor('float32', images, [...dims]),
        });
        out = r[encoder.output];
      } catch (e) {
        throw new CliError(`the encoder failed: ${firstLine(e)}`);
      }
      const want = [dims[0], c, s, s];
      if (!out || out.type !== 'float32' || out.dims.join(',') !== want.join(',')) {
        throw new CliError(
          `${basename(encoder.path)} gave ${out ? `${out.type} [${out.dims.join(', ')}]` : 'nothing'}; ` +
            `the manifest's encoder.latent says float32 [${want.join(', ')}]`,
        );
      }
      const latent = new Float32Array(out.data as Float32Array);
      for (let i = 0; i < latent.length; i++) latent[i] = latent[i]! * encoder.scale;
      return latent;
    },
    release: () => session.release(),
  };
}

/** Ready-made x0 rows [N, C, H, W] and their labels (null where none). */
export interface X0Tensors {
  n: number;
  data: Float32Array;
  labels: (number | null)[];
  /** Row i's values [C, H, W] (a view). */
  row(i: number): Float32Array;
}

function readNpy(flag: string, path: string) {
  if (!existsSync(path)) throw new CliError(`${flag} ${path}: no such file`);
  try {
    return parseNpy(new Uint8Array(readFileSync(path)));
  } catch (e) {
    const why = e instanceof NpyError ? e.message : (e as Error).message;
    throw new CliError(`${flag} ${path}: ${why}`);
  }
}

/**
 * Reads `--x0` (float32 or float16 [N, C, H, W]) for a U-Net whose input is
 * [C, size, size], and `--labels` (integer [N]; −1 for no label).
 */
export function readX0(
  path: string,
  labelsPath: string | undefined,
  sample: { channels: number; size: number },
): X0Tensors {
  const arr = readNpy('--x0', path);
  const want = `[N, ${sample.channels}, ${sample.size}, ${sample.size}]`;
  if (arr.dtype !== 'float32' && arr.dtype !== 'float16') {
    throw new CliError(`--x0 ${path} holds ${arr.dtype}; give float32 ${want}`);
  }
  const [n, c, h, w] = arr.shape;
  if (arr.shape.length !== 4 || c !== sample.channels || h !== sample.size || w !== sample.size) {
    throw new CliError(`--x0 ${path} has shape [${arr.shape.join(', ')}]; the model takes ${want}`);
  }
  if (n === 0) throw new CliError(`--x0 ${path} holds no rows`);
  for (let i = 0; i < arr.data.length; i++) {
    if (!Number.isFinite(arr.data[i])) {
      throw new CliError(`--x0 ${path}: value ${i} is ${arr.data[i]}; x0 must be finite`);
    }
  }
  let labels: (number | null)[] = new Array<null>(n!).fill(null);
  if (labelsPath !== undefined) {
    const l = readNpy('--labels', labelsPath);
    if (l.dtype === 'float32' || l.dtype === 'float16' || l.dtype === 'float64') {
      throw new CliError(`--labels ${labelsPath} holds ${l.dtype}; give integers [${n}]`);
    }
    if (l.shape.length !== 1 || l.shape[0] !== n) {
      throw new CliError(
        `--labels ${labelsPath} has shape [${l.shape.join(', ')}]; --x0 has ${n} rows, give [${n}]`,
      );
    }
    labels = Array.from(l.data as ArrayLike<number | bigint>, (v) => {
      const k = Number(v);
      if (k < -1) throw new CliError(`--labels ${labelsPath}: label ${k} (use −1 for none)`);
      return k === -1 ? null : k;
    });
  }
  const size = c! * h! * w!;
  return {
    n: n!,
    data: arr.data,
    labels,
    row: (i) => arr.data.subarray(i * size, (i + 1) * size),
  };
}

/** `--x0` rows as an image source: items `x0/<row>` with their labels; nothing to decode. */
export function tensorSource(path: string, x: X0Tensors): ImageSource {
  const items = x.labels.map((label, i) => ({ path: `x0/${i}`, label, split: null }));
  const top = Math.max(-1, ...x.labels.map((l) => l ?? -1));
  const none = (): Promise<never> =>
    Promise.reject(new CliError(`${path}: --x0 rows are tensors, not image files`));
  return {
    source: path,
    kind: 'folder',
    prefix: '',
    layout: 'classes',
    items,
    classes: Array.from({ length: top + 1 }, (_, k) => String(k)),
    skipped: [],
    read: none,
    load: none,
    close: () => {},
  };
}
