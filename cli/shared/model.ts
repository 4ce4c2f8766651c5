/**
 * Opening a model for the CLI: a folder (model.onnx + manifest.json, validated) or a bare .onnx
 * file, and what `extract` needs to know about a diffusion U-Net (blocks, schedule, inputs).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { validateManifest } from '../../src/core/manifest/validate';
import type { ModelManifest } from '../../src/core/manifest/types';
import { proposeBlocks } from '../../src/core/onnx/blocks';
import { parseModel, type OnnxModel } from '../../src/core/onnx/model';
import { PAPER_SCHEDULE, type NoiseSchedule } from '../../src/core/schedule';
import { CliError, firstLine } from './errors';
import { openEncoder, type ResolvedEncoder } from './latent';

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

/** A model file, read and parsed, with its manifest when it came from a folder that has one. */
export interface OpenedModel {
  /** The .onnx file. */
  path: string;
  bytes: Uint8Array;
  sha256: string;
  model: OnnxModel;
  manifest: ModelManifest | undefined;
  /** The file does not match its manifest (sha256, size): worth saying, not fatal. */
  warnings: string[];
}

/** Opens `target`: a model folder (model.onnx + manifest.json) or a bare .onnx file. */
export function openModel(target: string): OpenedModel {
  if (!existsSync(target)) throw new CliError(`${target}: no such file or folder`);
  let path = target;
  let manifest: ModelManifest | undefined;
  if (statSync(target).isDirectory()) {
    const manifestPath = join(target, 'manifest.json');
    if (existsSync(manifestPath)) manifest = readManifest(manifestPath);
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
  if (manifest && manifest.sha256 !== sha256) {
    warnings.push(`sha256 of ${basename(path)} does not match the manifest (${manifest.sha256})`);
  }
  if (manifest && manifest.bytes !== bytes.length) {
    warnings.push(
      `${basename(path)} has ${bytes.length} bytes, the manifest says ${manifest.bytes}`,
    );
  }
  return { path, bytes, sha256, model, manifest, warnings };
}

export interface ModelBlock {
  index: number;
  output: string;
}

/** What extract needs to know about a diffusion model. */
export interface ResolvedModel extends OpenedModel {
  blocks: ModelBlock[];
  schedule: NoiseSchedule;
  image: { name: string; size: number; channels: 1 | 3; batch: number | undefined };
  /** `scalar`: the input is rank 0 (one t for the whole batch, as some diffusers exports take). */
  timestep: { name: string; dtype: string; scalar: boolean };
  /** What the U-Net's sample input takes per item, [channels, size, size] (latents behind an
   * encoder, else the image). */
  sample: { channels: number; size: number };
  /** The manifest's image → latent encoder, run before noising. */
  encoder?: ResolvedEncoder;
}

/** A fixed batch axis of an input shape, or undefined when it is symbolic. */
function fixedBatch(dim: unknown): number | undefined {
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/**
 * Opens a diffusion U-Net for extract: its blocks, schedule, image and timestep inputs from the
 * manifest, or (a bare .onnx file) proposed from the graph with the default schedule. `size`
 * is the image size for a model whose input size is symbolic.
 */
export function resolveModel(
  target: string,
  size?: number,
  opts: { tensors?: boolean } = {},
): ResolvedModel {
  const opened = openModel(target);
  const { path, model, manifest } = opened;
  const inputOf = (name: string) => model.graph.inputs.find((i) => i.name === name);

  if (manifest) {
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
    const enc = manifest.encoder ? openEncoder(path, manifest.encoder) : undefined;
    if (enc) opened.warnings.push(...enc.warnings);
    return {
      ...opened,
      ...(enc ? { encoder: enc.encoder } : {}),
      sample: enc
        ? { ...enc.encoder.latent }
        : { channels: manifest.image.channels, size: manifest.image.size },
      blocks: manifest.blocks.map((b) => ({ index: b.index, output: b.output })),
      schedule: { ...manifest.schedule },
      image: {
        name: x.name,
        size: manifest.image.size,
        channels: manifest.image.channels,
        batch: fixedBatch(x.shape?.[0]),
      },
      timestep: {
        name: t.name,
        dtype: manifest.inputs.tDtype ?? t.dtype,
        scalar: t.shape?.length === 0,
      },
    };
  }

  const proposal = proposeBlocks(model);
  if (proposal.blocks.length === 0) {
    throw new CliError(`${path}: ${proposal.reason ?? 'no blocks found'}`);
  }
  const { image, timestep } = proposal;
  if (!image) throw new CliError(`${path}: no image input [B, C, H, W] found`);
  if (!timestep) {
    throw new CliError(`${path}: no timestep input found (extract needs a diffusion U-Net)`);
  }
  const [b0, c, h, w] = image.shape ?? [];
  const channels = typeof c === 'number' ? c : 3;
  if (channels !== 1 && channels !== 3 && !opts.tensors) {
    throw new CliError(
      `${path}: the image input has ${channels} channels; images give 1 or 3 (give tensors with --x0)`,
    );
  }
  let S: number;
  if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) {
    if (h !== w) {
      throw new CliError(
        `${path}: the model takes ${w}×${h} images; extract feeds square images only`,
      );
    }
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
    ...opened,
    blocks: proposal.blocks.map((b) => ({ index: b.index, output: b.output })),
    schedule: { ...DEFAULT_SCHEDULE },
    image: { name: image.name, size: S, channels: channels === 1 ? 1 : 3, batch: fixedBatch(b0) },
    sample: { channels, size: S },
    timestep: { name: timestep.name, dtype: timestep.dtype, scalar: timestep.shape?.length === 0 },
  };
}
