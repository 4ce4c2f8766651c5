import type { StateCreator } from 'zustand';
import type { AppState } from '../types';

export const PANELS = ['explorer', 'datasets', 'heads', 'cka', 'system'] as const;
export type PanelId = (typeof PANELS)[number];

export interface ViewSlice {
  panel: PanelId;
  largeText: boolean;
  setPanel: (panel: PanelId) => void;
  setLargeText: (on: boolean) => void;
}

export const createViewSlice: StateCreator<AppState, [], [], ViewSlice> = (set) => ({
  panel: 'explorer',
  largeText: false,
  setPanel: (panel) => set({ panel }),
  setLargeText: (largeText) => set({ largeText }),
});
