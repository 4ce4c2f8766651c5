/** TypeScript types of a model manifest; they mirror manifest.schema.json (kept in step by a test). */
import type { NoiseSchedule } from '../schedule';

export type ModelKind = 'diffusion' | 'classifier';

/** encoder/middle/decoder for a diffusion U-Net (PAPER.md's numbering); layer for other models. */
export type BlockStage = 'encoder' | 'middle' | 'decoder' | 'layer';

export interface BlockInfo {
  /** 1-based, in execution order (encoder blocks, middle, decoder blocks). */
  index: number;
  stage: BlockStage;
  channels: number;
  height: number;
  width: number;
  /** Name of the graph output that carries this block's activation. */
  output: string;
  /** Module path in the source model, for reference. */
  module?: string;
  /** For a decoder block, the index of the encoder block it mirrors through its skip connection. */
  mirror?: number;
  /** Forward FLOPs up to and including this block. */
  flopsUpTo?: number;
}

export interface ImageInfo {
  size: number;
  channels: 1 | 3;
  /** Pixel range the model expects, e.g. [-1, 1]. */
  range: [number, number];
  normalization?: string;
  pad?: string;
}

/**
 * An image → latent encoder run before noising (latent diffusion): x0 = scale × encoder(image),
 * with the image as `image` describes it and x0 of [latent.channels, latent.size, latent.size].
 */
export interface EncoderInfo {
  /** The encoder's .onnx file name, next to the manifest. */
  file: string;
  sha256: string;
  bytes: number;
  /** Graph input (the image [B, C, H, W]); default: the encoder's only input. */
  input?: string;
  /** Graph output (the latent [B, c, h, w]); default: its first output. */
  output?: string;
  /** Multiplies the encoder's output (e.g. Stable Diffusion's 0.18215). */
  scale: number;
  latent: { channels: number; size: number };
}

/** What an input of the model means: the sample x, the timestep t, or conditioning. */
export type InputRole = 'sample' | 'timestep' | 'class' | 'context' | 'other';

/** A graph input besides x and t, with what it takes. */
export interface ConditioningInput {
  /** Graph input name. */
  name: string;
  /** class: integer labels [B]; context: float [B, L, D]; other: nothing diffprobe can fill. */
  role: 'class' | 'context' | 'other';
  dtype: 'int64' | 'int32' | 'float32' | 'float16';
  /** Number of classes (role class): labels are 0..classes−1. */
  classes?: number;
  /** Per-sample shape (role context: [L, D]). */
  shape?: number[];
}

export interface ModelInputs {
  /** Graph input name of the (noised) image [B, C, H, W]. */
  x: string;
  /** Graph input name of the timestep [B] (diffusion models). */
  t?: string;
  tDtype?: 'float32' | 'int64' | 'int32';
  /** The other inputs (class labels, context states …), each with its role. */
  conditioning?: ConditioningInput[];
}

export interface ModelOutputs {
  /** Graph output name of the predicted noise (diffusion models). */
  eps?: string;
  /** Graph output name of the class logits (classifiers). */
  logits?: string;
}

export type ScheduleInfo = NoiseSchedule;

export interface ExternalDataFile {
  file: string;
  sha256: string;
  bytes: number;
}

export interface ModelManifest {
  schemaVersion: 1;
  id: string;
  title: string;
  description?: string;
  kind: ModelKind;
  license: string;
  provenance: string;
  /** The .onnx file name, next to the manifest. */
  file: string;
  sha256: string;
  bytes: number;
  externalData?: ExternalDataFile[];
  dtype?: 'float32' | 'float16';
  image: ImageInfo;
  encoder?: EncoderInfo;
  inputs: ModelInputs;
  outputs?: ModelOutputs;
  schedule?: ScheduleInfo;
  blocks: BlockInfo[];
  parameters: number;
  flops?: number;
  classes?: string[];
  architecture?: Record<string, unknown>;
  training?: Record<string, unknown>;
  quality?: Record<string, unknown>;
}

/** A diffusion manifest, with the fields validation guarantees for that kind. */
export type DiffusionManifest = ModelManifest & {
  kind: 'diffusion';
  schedule: ScheduleInfo;
  inputs: ModelInputs & { t: string };
  outputs: ModelOutputs & { eps: string };
};

/** A classifier manifest, with the fields validation guarantees for that kind. */
export type ClassifierManifest = ModelManifest & {
  kind: 'classifier';
  classes: string[];
  outputs: ModelOutputs & { logits: string };
};

/** Narrows a validated manifest by kind. */
export const isDiffusionManifest = (m: ModelManifest): m is DiffusionManifest =>
  m.kind === 'diffusion';

export const isClassifierManifest = (m: ModelManifest): m is ClassifierManifest =>
  m.kind === 'classifier';
