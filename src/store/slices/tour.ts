import type { StateCreator } from 'zustand';
import type { TourData } from '../../core/tour/data';
import type { AppState } from '../types';

/** A result the tour shows: the shipped precomputed one, or recomputed live in this session. */
export type TourSource = 'precomputed' | 'live';

export interface TourState {
  open: boolean;
  /** 0-based step. */
  step: number;
  data: TourData | null;
  dataStatus: 'idle' | 'loading' | 'ready' | 'error';
  dataError: string | null;
  /** Where each result step's numbers come from. */
  source: { heads: TourSource; sweep: TourSource; cka: TourSource };
  /** Heads trained live by "Recompute live" (block → test accuracy). */
  liveHeads: { block: number; testAcc: number }[];
  /** A live recomputation in progress (its step id), or null. */
  recomputing: string | null;
}

/** The classroom tour's state (owned by the tour; it drives other panels through the engine). */
export interface TourSlice {
  tour: TourState;
  setTour: (patch: Partial<TourState>) => void;
}

export const INITIAL_TOUR: TourState = {
  open: false,
  step: 0,
  data: null,
  dataStatus: 'idle',
  dataError: null,
  source: { heads: 'precomputed', sweep: 'precomputed', cka: 'precomputed' },
  liveHeads: [],
  recomputing: null,
};

export const createTourSlice: StateCreator<AppState, [], [], TourSlice> = (set) => ({
  tour: INITIAL_TOUR,
  setTour: (patch) => set((s) => ({ tour: { ...s.tour, ...patch } })),
});
