import { create } from 'zustand';
import { createJobsSlice } from './slices/jobs';
import { createNoticesSlice } from './slices/notices';
import { createRuntimeSlice } from './slices/runtime';
import { createViewSlice } from './slices/view';
import type { AppState } from './types';

/** Builds a store from the slices (a fresh one per call, so tests need no globals). */
export function createAppStore() {
  return create<AppState>()((...a) => ({
    ...createRuntimeSlice(...a),
    ...createNoticesSlice(...a),
    ...createJobsSlice(...a),
    ...createViewSlice(...a),
  }));
}

export const useAppStore = createAppStore();
export type { AppState };
