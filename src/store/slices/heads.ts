import type { StateCreator } from 'zustand';
import type { AppState } from '../types';

/** The heads panel's state (owned by that panel; other panels only read it). */
export interface HeadsSlice {
  heads: { ready: boolean };
}

export const createHeadsSlice: StateCreator<AppState, [], [], HeadsSlice> = () => ({
  heads: { ready: false },
});
