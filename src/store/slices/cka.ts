import type { StateCreator } from 'zustand';
import type { AppState } from '../types';

/** The cka panel's state (owned by that panel; other panels only read it). */
export interface CkaSlice {
  cka: { ready: boolean };
}

export const createCkaSlice: StateCreator<AppState, [], [], CkaSlice> = () => ({
  cka: { ready: false },
});
