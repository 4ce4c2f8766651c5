import type { StateCreator } from 'zustand';
import type { ModelSummary } from '../../protocol/model';
import type { AppState } from '../types';

export type ModelStatus = 'none' | 'loading' | 'ready' | 'error';

/** Which model the user chose: one of the built-in folders, or files they opened. */
export type ModelChoice = { kind: 'builtin'; id: string } | { kind: 'user'; name: string };

export interface ModelState {
  status: ModelStatus;
  choice: ModelChoice | null;
  /** The model that is loaded and running (kept while another one loads or fails). */
  summary: ModelSummary | null;
  /** Loading progress: 0..1 or null when unknown, and what is happening. */
  progress: { fraction: number | null; detail: string } | null;
  error: string | null;
}

/** The current model: every panel reads it; only the model session writes it. */
export interface ModelSlice {
  model: ModelState;
  setModelLoading: (choice: ModelChoice) => void;
  setModelProgress: (fraction: number | null, detail: string) => void;
  setModelReady: (choice: ModelChoice, summary: ModelSummary) => void;
  setModelError: (message: string) => void;
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set) => ({
  model: { status: 'none', choice: null, summary: null, progress: null, error: null },
  setModelLoading: (choice) =>
    set((s) => ({
      model: { ...s.model, status: 'loading', choice, error: null, progress: null },
    })),
  setModelProgress: (fraction, detail) =>
    set((s) => ({ model: { ...s.model, progress: { fraction, detail } } })),
  setModelReady: (choice, summary) =>
    set({ model: { status: 'ready', choice, summary, progress: null, error: null } }),
  // A failed load keeps the model that was running: nothing loaded before is lost.
  setModelError: (error) =>
    set((s) => ({
      model: {
        ...s.model,
        status: s.model.summary ? 'ready' : 'error',
        choice: s.model.summary ? s.model.choice : null,
        progress: null,
        error,
      },
    })),
});
