import type { StateCreator } from 'zustand';
import type { AppState } from '../types';

/** The explorer panel's state (owned by that panel; other panels only read it). */
export interface ExplorerSlice {
  explorer: { ready: boolean };
}

export const createExplorerSlice: StateCreator<AppState, [], [], ExplorerSlice> = () => ({
  explorer: { ready: false },
});
