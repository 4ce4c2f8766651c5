import type { StateCreator } from 'zustand';
import type { ColormapName } from '../../core/explorer/colormap';
import type { ChannelOrder, NormMode, Range } from '../../core/explorer/normalise';
import {
  DEFAULT_SELECTION,
  type ExplorerSelection,
  type ImageRef,
} from '../../core/explorer/urlState';
import type { AppState } from '../types';

/** The image being explored: pixels [C, S, S] in the model's range, and where they came from. */
export interface ExplorerImage {
  ref: ImageRef;
  /** Keys the noise and the feature cache. */
  id: string;
  label: string;
  x0: Float32Array;
  /** A latent model's x0, scale × encoder(image) [c, s, s], once the worker encoded it. */
  latent?: Float32Array;
  /** A dataset item's class index (fed to a class input only when the user chose own labels). */
  classId?: number;
  /** How the image was fitted to the model (for a dropped file). */
  fit: string | null;
}

/** One block's activation for the explored image, as the engine returned it. */
export interface ExplorerFeatures {
  /** What was asked (block, t, pool, seed, noise, image id), to tell stale maps apart. */
  key: string;
  block: number;
  data: Float32Array;
  dims: [number, number, number];
  ms: number;
  fromCache: boolean;
}

export interface ExplorerView {
  order: ChannelOrder;
  norm: NormMode;
  colormap: ColormapName;
  page: number;
  /** Draw the selected map over the input image. */
  overlay: boolean;
  /** The channel shown large (null: the channel mean). */
  focus: number | null;
}

export interface ExplorerSamples {
  status: 'idle' | 'running' | 'done' | 'error';
  n: number;
  steps: number;
  seed: number;
  /** Current x_t of every sample, [n, C, S, S], while it runs; the samples once done. */
  x: Float32Array | null;
  step: number;
  t: number | null;
}

export interface ExplorerState {
  selection: ExplorerSelection;
  image: ExplorerImage | null;
  imageError: string | null;
  features: ExplorerFeatures | null;
  featureStatus: 'idle' | 'loading' | 'ready' | 'error';
  featureError: string | null;
  view: ExplorerView;
  /** The range kept across blocks and timesteps for the 'global' normalisation. */
  globalRange: Range | null;
  samples: ExplorerSamples;
  playing: boolean;
}

/** The explorer panel's state (owned by that panel; other panels only read it). */
export interface ExplorerSlice {
  explorer: ExplorerState;
  select: (patch: Partial<ExplorerSelection>) => void;
  setExplorerImage: (image: ExplorerImage | null, error?: string | null) => void;
  setFeatureStatus: (status: ExplorerState['featureStatus'], error?: string | null) => void;
  setFeatures: (features: ExplorerFeatures) => void;
  setExplorerView: (patch: Partial<ExplorerView>) => void;
  setGlobalRange: (range: Range | null) => void;
  setSamples: (patch: Partial<ExplorerSamples>) => void;
  setPlaying: (on: boolean) => void;
}

export const INITIAL_EXPLORER: ExplorerState = {
  selection: DEFAULT_SELECTION,
  image: null,
  imageError: null,
  features: null,
  featureStatus: 'idle',
  featureError: null,
  view: {
    order: 'variance',
    norm: 'channel',
    colormap: 'viridis',
    page: 0,
    overlay: false,
    focus: null,
  },
  globalRange: null,
  samples: { status: 'idle', n: 4, steps: 25, seed: 0, x: null, step: 0, t: null },
  playing: false,
};

export const createExplorerSlice: StateCreator<AppState, [], [], ExplorerSlice> = (set) => {
  const patch = (fn: (e: ExplorerState) => Partial<ExplorerState>) =>
    set((s) => ({ explorer: { ...s.explorer, ...fn(s.explorer) } }));
  return {
    explorer: INITIAL_EXPLORER,
    select: (p) =>
      patch((e) => {
        const selection = { ...e.selection, ...p };
        // A new block starts on the first page of its channels.
        const view =
          selection.block !== e.selection.block ? { ...e.view, page: 0, focus: null } : e.view;
        return { selection, view };
      }),
    setExplorerImage: (image, error = null) =>
      patch((e) => (image ? { image, imageError: null } : { image: e.image, imageError: error })),
    setFeatureStatus: (featureStatus, featureError = null) =>
      patch(() => ({ featureStatus, featureError })),
    setFeatures: (features) =>
      patch(() => ({ features, featureStatus: 'ready', featureError: null })),
    setExplorerView: (p) => patch((e) => ({ view: { ...e.view, ...p } })),
    setGlobalRange: (globalRange) => patch(() => ({ globalRange })),
    setSamples: (p) => patch((e) => ({ samples: { ...e.samples, ...p } })),
    setPlaying: (playing) => patch(() => ({ playing })),
  };
};
