import type { StateCreator } from 'zustand';
import type { AppState } from '../types';

/** The datasets panel's state (owned by that panel; other panels only read it). */
export interface DatasetsSlice {
  datasets: { ready: boolean };
}

export const createDatasetsSlice: StateCreator<AppState, [], [], DatasetsSlice> = () => ({
  datasets: { ready: false },
});
