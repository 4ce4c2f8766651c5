import type { StateCreator } from 'zustand';
import type { CkaBasis } from '../../core/cka/basis';
import type { LabelledMatrix } from '../../core/cka/matrix';
import type { AppState } from '../types';

/**
 * Which matrix: blocks × blocks at one t, t × t at one block, or the U-Net's blocks × the
 * layers (or blocks) of another model — the shipped supervised CNN unless the user picks another.
 */
export type CkaKind = 'blocks' | 'timesteps' | 'classifier';

/** The other model of a 'classifier' matrix: a shipped one, or files the user opened. */
export type CompareModel = { kind: 'builtin'; id: string } | { kind: 'files'; name: string };

export interface CkaSettings {
  kind: CkaKind;
  t: number;
  pool: number;
  /** Images (from the current dataset, classes interleaved). */
  n: number;
  /** The block of the timestep × timestep matrix. */
  block: number;
  timesteps: number[];
  method: 'linear' | 'minibatch';
  batchSize: number;
  device: 'auto' | 'cpu' | 'webgpu';
  /**
   * The CPU's Gram products: float32 products with float64 sums (the default, the faster) or
   * float64 throughout.
   */
  cpuPrecision: 'mixed' | 'float64';
  compareWith: CompareModel;
  mapMethod: MapMethod;
}

export interface CkaResultView {
  matrix: LabelledMatrix;
  ranOn: 'cpu' | 'webgpu';
  note: string;
  /** Time of the CKA products (not the features). */
  ms: number;
  n: number;
  /** What it was computed from (absent for the tour's precomputed matrix). */
  basis?: CkaBasis;
}

export type MapMethod = 'pca' | 'umap';

export interface CkaMapView {
  /** Which representation (a row label of the matrix). */
  label: string;
  method: MapMethod;
  /** n×2 row-major. */
  points: Float64Array;
  labels: number[];
  classes: string[];
  /** PCA only: the share of the variance of PC1 and PC2. */
  explained: [number, number] | null;
  /** Leave-one-out 5-NN accuracy on the full features. */
  knn: number;
}

export interface CkaState {
  settings: CkaSettings;
  status: 'idle' | 'running' | 'done' | 'error';
  progress: { fraction: number | null; text: string } | null;
  result: CkaResultView | null;
  /** The row selected for the 2-D map. */
  selectedRow: number | null;
  map: CkaMapView | null;
  /** While a map is being computed: what it is doing. */
  mapProgress: string | null;
  error: string | null;
}

/** The cka panel's state (owned by that panel; other panels only read it). */
export interface CkaSlice {
  cka: CkaState;
  setCkaSettings: (patch: Partial<CkaSettings>) => void;
  setCkaRunning: (text: string) => void;
  setCkaProgress: (fraction: number | null, text: string) => void;
  setCkaResult: (result: CkaResultView) => void;
  setCkaError: (message: string | null) => void;
  selectCkaRow: (row: number | null) => void;
  setCkaMap: (map: CkaMapView | null) => void;
  setCkaMapProgress: (text: string | null) => void;
}

export const DEFAULT_CKA_SETTINGS: CkaSettings = {
  kind: 'blocks',
  t: 90,
  pool: 2,
  n: 500,
  block: 12,
  timesteps: [10, 50, 90, 150, 300, 500],
  method: 'linear',
  batchSize: 256,
  device: 'auto',
  cpuPrecision: 'mixed',
  compareWith: { kind: 'builtin', id: 'fmnist-resnet-s' },
  mapMethod: 'pca',
};

export const createCkaSlice: StateCreator<AppState, [], [], CkaSlice> = (set) => ({
  cka: {
    settings: DEFAULT_CKA_SETTINGS,
    status: 'idle',
    progress: null,
    result: null,
    selectedRow: null,
    map: null,
    mapProgress: null,
    error: null,
  },
  setCkaSettings: (patch) =>
    set((s) => ({ cka: { ...s.cka, settings: { ...s.cka.settings, ...patch } } })),
  setCkaRunning: (text) =>
    set((s) => ({
      cka: { ...s.cka, status: 'running', progress: { fraction: 0, text }, error: null },
    })),
  setCkaProgress: (fraction, text) =>
    set((s) => ({ cka: { ...s.cka, progress: { fraction, text } } })),
  // A new matrix replaces the old one only once it is complete.
  setCkaResult: (result) =>
    set((s) => ({
      cka: { ...s.cka, status: 'done', progress: null, result, selectedRow: null, map: null },
    })),
  // An error (or a cancel, with null) keeps the last matrix.
  setCkaError: (error) =>
    set((s) => ({
      cka: {
        ...s.cka,
        status: error ? 'error' : s.cka.result ? 'done' : 'idle',
        progress: null,
        error,
      },
    })),
  selectCkaRow: (selectedRow) => set((s) => ({ cka: { ...s.cka, selectedRow } })),
  setCkaMap: (map) => set((s) => ({ cka: { ...s.cka, map, mapProgress: null } })),
  setCkaMapProgress: (mapProgress) => set((s) => ({ cka: { ...s.cka, mapProgress } })),
});
