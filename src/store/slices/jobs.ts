import type { StateCreator } from 'zustand';
import type { AppState } from '../types';

export interface JobView {
  id: string;
  label: string;
  /** 0..1, or null when unknown. */
  fraction: number | null;
  detail: string;
}

export interface JobsSlice {
  jobs: Record<string, JobView>;
  startJob: (id: string, label: string) => void;
  updateJob: (id: string, fraction: number | null, detail: string) => void;
  endJob: (id: string) => void;
}

export const createJobsSlice: StateCreator<AppState, [], [], JobsSlice> = (set) => ({
  jobs: {},
  startJob: (id, label) =>
    set((s) => ({ jobs: { ...s.jobs, [id]: { id, label, fraction: 0, detail: '' } } })),
  updateJob: (id, fraction, detail) =>
    set((s) => {
      const job = s.jobs[id];
      return job ? { jobs: { ...s.jobs, [id]: { ...job, fraction, detail } } } : {};
    }),
  endJob: (id) =>
    set((s) => {
      const rest = { ...s.jobs };
      delete rest[id];
      return { jobs: rest };
    }),
});
