/**
 * `diffprobe inspect`: what diffprobe sees in a model — inputs, blocks (with [C, H, W] from one
 * forward pass), schedule and parameter count — as JSON.
 */
import type * as ort from 'onnxruntime-node';
import { proposeBlocks, type Stage } from '../../src/core/onnx/blocks';
import type { Dim } from '../../src/core/onnx/model';
import { defaultThreads, intArg } from '../shared/args';
import { LIMITS } from '../shared/limits';
import { CliError, firstLine } from '../shared/errors';
import { formatJson, type Io } from '../shared/io';
import { DEFAULT_SCHEDULE, openModel, type OpenedModel } from '../shared/model';
import { filledTensor, openCutSession } from '../shared/session';
import type { NoiseSchedule } from '../../src/core/schedule';
import {
  assignRoles,
  graphInputs,
  unfillable,
  unfillableMessage,
} from '../../src/core/manifest/inputRoles';
import type { InputRole } from '../../src/core/manifest/types';

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
  /** For a decoder block, the encoder block its skip connection reads (when known). */
  mirror?: number;
}

export interface InspectResult {
  model: string;
  sha256: string;
  manifest: boolean;
  /** Every graph input with its role (sample, timestep, class, context, other). */
  inputs: {
    name: string;
    dtype: string;
    shape: Dim[] | null;
    role: InputRole;
    classes?: number;
    contextShape?: number[];
  }[];
  blocks: InspectBlock[];
  /**
   * How the blocks were found when there is no manifest (null with one): from `block_<n>`
   * outputs, module paths (`style`: adm, diffusers, or generic for any numbered lists of
   * modules), or the skip structure alone.
   */
  proposal: { source: string; style: string | null } | null;
  schedule: NoiseSchedule & { source: 'manifest' | 'default' };
  /** Number of parameters stored in the ONNX file (initializer elements). */
  parameters: number;
  /** Things that look wrong but do not stop inspection (e.g. a sha256 mismatch). */
  warnings: string[];
  /** A latent model's encoder (manifest `encoder`): x0 = scale × encoder(image). */
  encoder?: { file: string; scale: number; latent: { channels: number; size: number } };
}

/** Runs `inspect` with its arguments (without the command name); prints the JSON. */
export async function inspectCommand(args: readonly string[], io: Io): Promise<void> {
  let target: string | undefined;
  const options: InspectOptions = { run: true, threads: defaultThreads() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--size') options.size = intArg(a, args[++i], LIMITS.size);
    else if (a === '--threads') options.threads = intArg(a, args[++i], LIMITS.threads);
    else if (a === '--no-run') options.run = false;
    else if (a.startsWith('-')) throw new CliError(`inspect: unknown option ${a}`);
    else if (target === undefined) target = a;
    else throw new CliError(`inspect: one model at a time (got ${target} and ${a})`);
  }
  if (target === undefined) throw new CliError('inspect: give a model file or folder');
  io.out(formatJson(await inspect(target, options)) + '\n');
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
  model: OpenedModel,
  outputs: string[],
  imageName: string | undefined,
  image: { size: number; channels: number } | undefined,
  threads: number,
): Promise<Map<string, number[]>> {
  const { session, inputs, cleanup } = await openCutSession(model, outputs, threads);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of inputs) {
      const isImage = input.name === imageName;
      feeds[input.name] = filledTensor(
        input.dtype,
        feedDims(input.name, input.shape, isImage, image),
      );
    }
    let res: ort.InferenceSession.OnnxValueMapType;
    try {
      res = await session.run(feeds, outputs);
    } catch (e) {
      throw new CliError(`the forward pass failed: ${firstLine(e)}`);
    }
    const shapes = new Map<string, number[]>();
    for (const o of outputs) {
      const t = res[o];
      if (t) shapes.set(o, [...t.dims]);
    }
    return shapes;
  } finally {
    await session.release();
    cleanup();
  }
}

/** Inspects `target`: a model folder (model.onnx + manifest.json) or a bare .onnx file. */
export async function inspect(
  target: string,
  options: InspectOptions = {},
): Promise<InspectResult> {
  const opened = openModel(target);
  const { model, manifest } = opened;
  const warnings = [...opened.warnings];

  const proposal = proposeBlocks(model);
  const roles = assignRoles(graphInputs(model.graph), manifest, {
    ...(proposal.image ? { image: proposal.image.name } : {}),
    ...(proposal.timestep ? { timestep: proposal.timestep.name } : {}),
  });
  const inputs = roles.map((i) => ({ ...i, shape: i.shape ? [...i.shape] : null }));
  const missing = unfillable(roles, 'cli');
  if (missing.length) warnings.push(unfillableMessage(opened.path, missing, 'cli'));

  let blocks: InspectBlock[];
  if (manifest) {
    blocks = manifest.blocks.map((b) => ({
      index: b.index,
      name: b.module ?? b.output,
      stage: b.stage,
      shape: [b.channels, b.height, b.width],
      output: b.output,
      ...(b.stage === 'decoder' && b.mirror !== undefined ? { mirror: b.mirror } : {}),
    }));
  } else {
    if (proposal.blocks.length === 0) {
      throw new CliError(`${opened.path}: ${proposal.reason ?? 'no blocks found'}`);
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
        ...(b.mirror !== undefined ? { mirror: b.mirror } : {}),
      };
    });
  }

  if (options.run !== false) {
    const image = manifest
      ? (manifest.encoder?.latent ?? {
          size: manifest.image.size,
          channels: manifest.image.channels,
        })
      : options.size !== undefined
        ? { size: options.size, channels: imageChannels(proposal.image?.shape) }
        : undefined;
    const shapes = await measureShapes(
      opened,
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
  const schedule: InspectResult['schedule'] = s
    ? { ...s, source: 'manifest' }
    : { ...DEFAULT_SCHEDULE, source: 'default' };

  return {
    model: opened.path,
    sha256: opened.sha256,
    manifest: manifest !== undefined,
    inputs,
    blocks,
    proposal: manifest ? null : { source: proposal.source, style: proposal.style ?? null },
    schedule,
    parameters: model.graph.parameterCount,
    warnings,
    ...(manifest?.encoder
      ? {
          encoder: {
            file: manifest.encoder.file,
            scale: manifest.encoder.scale,
            latent: { ...manifest.encoder.latent },
          },
        }
      : {}),
  };
}

function imageChannels(shape: readonly Dim[] | undefined): number {
  const c = shape?.[1];
  return typeof c === 'number' ? c : 3;
}
