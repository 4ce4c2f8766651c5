import type { StateCreator } from 'zustand';
import type { ConditioningRecord } from '../../core/conditioning/conditioning';
import type { FeatureItem } from '../../core/features/batch';
import { DEFAULT_TRAIN } from '../../core/heads/optim';
import type { TrainConfig } from '../../core/heads/optim';
import { defaultSpec } from '../../core/heads/spec';
import type { HeadSpec } from '../../core/heads/spec';
import type { SweepGrid } from '../../core/heads/sweep';
import { DEFAULT_SWEEP_TS } from '../../core/heads/sweep';
import type { SweepRecord } from '../../core/sweep/result';
import type { EpochReport, HeadsBackendInfo } from '../../protocol/heads';
import type { AppState } from '../types';

export type HeadsRunStatus = 'idle' | 'features' | 'training' | 'done' | 'cancelled' | 'error';

export interface HeadsRun {
  status: HeadsRunStatus;
  /** 0..1 of the current stage, and what is happening. */
  fraction: number;
  detail: string;
  curves: EpochReport[];
  error: string | null;
}

export interface Misclassified {
  item: FeatureItem;
  label: number;
  predicted: number;
}

/** What a finished training shows: accuracy, per class, confusion, the images it got wrong. */
export interface HeadResult {
  headId: string;
  title: string;
  testAcc: number;
  perClass: number[];
  confusion: number[][];
  classes: string[];
  misclassified: Misclassified[];
  msPerEpoch: number;
}

/** A stored head as the list shows it (the weights stay in storage). */
export interface SavedHeadInfo {
  id: string;
  name: string;
  modelId: string;
  block: number;
  t: number;
  description: string;
  testAcc: number;
  createdAt: string;
}

export interface SweepState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  ts: number[];
  pool: number;
  epochs: number;
  /** Train on at most this many images per split (0 = all). */
  limit: number;
  grid: SweepGrid | null;
  fraction: number;
  detail: string;
  error: string | null;
  /** Wall time: feature extraction, training, total (ms). */
  featureMs: number;
  trainMs: number;
  totalMs: number;
  /**
   * What the grid's features were computed under (class ids, context files with their digest),
   * as exported heads record it; null for an unconditional model.
   */
  conditioning: ConditioningRecord[] | null;
  /** What sweep.json says next to the grid's cells (model, dataset, settings); null until known. */
  record: SweepRecord | null;
}

export interface HeadsState {
  spec: HeadSpec;
  block: number;
  t: number;
  train: TrainConfig;
  backend: HeadsBackendInfo | null;
  run: HeadsRun;
  result: HeadResult | null;
  saved: SavedHeadInfo[];
  /** The head that classifies dropped images. */
  activeHeadId: string | null;
  sweep: SweepState;
  /** The current dataset's class names (null until read). */
  classes: string[] | null;
}

/** The heads panel's state (owned by that panel; other panels only read it). */
export interface HeadsSlice {
  heads: HeadsState;
  setHeads: (patch: Partial<HeadsState>) => void;
  setHeadsRun: (patch: Partial<HeadsRun>) => void;
  addHeadsEpoch: (r: EpochReport) => void;
  setSweep: (patch: Partial<SweepState>) => void;
}

export const IDLE_RUN: HeadsRun = {
  status: 'idle',
  fraction: 0,
  detail: '',
  curves: [],
  error: null,
};

export const createHeadsSlice: StateCreator<AppState, [], [], HeadsSlice> = (set) => ({
  heads: {
    spec: defaultSpec('linear', 2),
    block: 12,
    t: 10,
    train: DEFAULT_TRAIN,
    backend: null,
    run: IDLE_RUN,
    result: null,
    saved: [],
    activeHeadId: null,
    classes: null,
    sweep: {
      status: 'idle',
      ts: [...DEFAULT_SWEEP_TS],
      pool: 2,
      epochs: 10,
      limit: 0,
      grid: null,
      fraction: 0,
      detail: '',
      error: null,
      featureMs: 0,
      trainMs: 0,
      totalMs: 0,
      conditioning: null,
      record: null,
    },
  },
  setHeads: (patch) => set((s) => ({ heads: { ...s.heads, ...patch } })),
  setHeadsRun: (patch) =>
    set((s) => ({ heads: { ...s.heads, run: { ...s.heads.run, ...patch } } })),
  addHeadsEpoch: (r) =>
    set((s) => ({
      heads: { ...s.heads, run: { ...s.heads.run, curves: [...s.heads.run.curves, r] } },
    })),
  setSweep: (patch) =>
    set((s) => ({ heads: { ...s.heads, sweep: { ...s.heads.sweep, ...patch } } })),
});
