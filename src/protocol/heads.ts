/** What crosses the heads worker's boundary: its backend, a head's shape, training's messages. */
import type { HeadSpec } from '../core/heads/spec';

export type { EpochReport, HeadData, TrainOutcome } from '../core/heads/training';

export type HeadsBackendName = 'webgpu' | 'wasm' | 'cpu';
export type HeadsBackendPreference = 'auto' | HeadsBackendName;

export interface HeadsBackendInfo {
  backend: HeadsBackendName;
  /** Why this backend trains the heads, for the UI. */
  reason: string;
  threads: number;
}

/** Where the head's input comes from: rows [n, C·p·p] of pooled features, in C, y, x order. */
export interface HeadShape {
  spec: HeadSpec;
  channels: number;
  classes: number;
}

/**
 * Which trainer runs a head: 'auto' is the app's choice (linear heads on the typed-array trainer,
 * the others on tfjs); 'tfjs' forces tfjs autodiff for every kind (the bench's library row).
 */
export type HeadTrainer = 'auto' | 'tfjs';
