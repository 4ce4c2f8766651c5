import type { StateCreator } from 'zustand';
import type { Warp } from '../../core/correspondence/warp';
import type { AppState } from '../types';

/** What the source is matched against: a warped copy of it, a dataset item, or a dropped file. */
export type CorrespondenceTarget =
  { kind: 'warp' } | { kind: 'item'; id: string } | { kind: 'file'; name: string };

/** The match of the probe point: cosine similarity over the target [H·W] and its argmax. */
export interface CorrespondenceMatch {
  /** The maps' key it was computed on. */
  key: string;
  point: [number, number];
  sim: Float32Array;
  best: { x: number; y: number; value: number };
  /** Where the point truly lands (a warped copy only). */
  truth: [number, number] | null;
  ms: number;
}

export interface CorrespondenceSweepRow {
  block: number;
  pck: number;
  points: number;
}

export interface CorrespondenceSweepState {
  status: 'idle' | 'running' | 'done' | 'error';
  n: number;
  fraction: number;
  /** What it ran on: t, warp, images, noise samples. */
  detail: string;
  rows: CorrespondenceSweepRow[];
  t: number | null;
  ms: number;
  error: string | null;
}

export interface CorrespondenceState {
  target: CorrespondenceTarget;
  warp: Warp;
  /** Noise samples averaged (DIFT's ensemble), 1–8. */
  samples: number;
  point: [number, number] | null;
  /** The target image [C, S, S] in the model's range, its label, and the maps' state. */
  targetImage: { id: string; label: string; x0: Float32Array } | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The key of the maps computed (null: none yet). */
  mapsKey: string | null;
  mapsMs: number;
  match: CorrespondenceMatch | null;
  sweep: CorrespondenceSweepState;
}

/** The correspondence section's state (owned by it; other panels only read it). */
export interface CorrespondenceSlice {
  correspondence: CorrespondenceState;
  setCorrespondence: (patch: Partial<CorrespondenceState>) => void;
  setCorrespondenceSweep: (patch: Partial<CorrespondenceSweepState>) => void;
}

export const createCorrespondenceSlice: StateCreator<AppState, [], [], CorrespondenceSlice> = (
  set,
) => ({
  correspondence: {
    target: { kind: 'warp' },
    warp: { dx: 3, dy: 2, scale: 1, rotate: 0 },
    samples: 1,
    point: null,
    targetImage: null,
    status: 'idle',
    error: null,
    mapsKey: null,
    mapsMs: 0,
    match: null,
    sweep: {
      status: 'idle',
      n: 16,
      fraction: 0,
      detail: '',
      rows: [],
      t: null,
      ms: 0,
      error: null,
    },
  },
  setCorrespondence: (patch) => set((s) => ({ correspondence: { ...s.correspondence, ...patch } })),
  setCorrespondenceSweep: (patch) =>
    set((s) => ({
      correspondence: { ...s.correspondence, sweep: { ...s.correspondence.sweep, ...patch } },
    })),
});
