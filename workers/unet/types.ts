import type { ModelManifest } from '../../src/core/manifest/types';
import type { Schedule } from '../../src/core/schedule';
import type { ModelRuntime } from '../ort/modelRuntime';
import type { FeedTensor } from '../ort/modelRuntime';
import type { ModelSummary } from '../../src/protocol/model';
import type { LoadedEncoder } from './encoder';

export interface LoadedModel {
  runtime: ModelRuntime;
  summary: ModelSummary;
  schedule: Schedule | null;
  /** A latent model's image → latent encoder (manifest `encoder`). */
  encoder?: LoadedEncoder;
}

/** A loaded diffusion U-Net with its manifest and schedule. */
export type LoadedDiffusion = LoadedModel & { manifest: ModelManifest; schedule: Schedule };

/** The timestep feed in the dtype the model takes. */
export function timestepFeed(manifest: ModelManifest, t: Float32Array): FeedTensor {
  return { data: t, dims: [t.length], type: manifest.inputs.tDtype ?? 'float32' };
}
