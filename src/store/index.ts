import { create } from 'zustand';
import { createCkaSlice } from './slices/cka';
import { createConditioningSlice } from './slices/conditioning';
import { createCorrespondenceSlice } from './slices/correspondence';
import { createDatasetsSlice } from './slices/datasets';
import { createExplorerSlice } from './slices/explorer';
import { createHeadsSlice } from './slices/heads';
import { createJobsSlice } from './slices/jobs';
import { createModelSlice } from './slices/model';
import { createNoticesSlice } from './slices/notices';
import { createRuntimeSlice } from './slices/runtime';
import { createTourSlice } from './slices/tour';
import { createViewSlice } from './slices/view';
import type { AppState } from './types';

/** Builds a store from the slices (a fresh one per call, so tests need no globals). */
export function createAppStore() {
  return create<AppState>()((...a) => ({
    ...createRuntimeSlice(...a),
    ...createNoticesSlice(...a),
    ...createJobsSlice(...a),
    ...createViewSlice(...a),
    ...createModelSlice(...a),
    ...createExplorerSlice(...a),
    ...createDatasetsSlice(...a),
    ...createHeadsSlice(...a),
    ...createCkaSlice(...a),
    ...createCorrespondenceSlice(...a),
    ...createTourSlice(...a),
    ...createConditioningSlice(...a),
  }));
}

export const useAppStore = createAppStore();
export type { AppState };
