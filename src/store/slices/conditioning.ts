import type { StateCreator } from 'zustand';
import type { Conditioning } from '../../core/conditioning/conditioning';
import type { AppState } from '../types';

/** What the loaded model's class and context inputs get (see engine/conditioning). */
export interface ConditioningState {
  /** The user's choice, for the model with sha256 `forSha` (another model starts afresh). */
  choice: Conditioning;
  forSha: string | null;
  /** Why the last change was refused (a context file of the wrong shape …), or null. */
  message: string | null;
}

export interface ConditioningSlice {
  conditioning: ConditioningState;
  setConditioning: (choice: Conditioning, forSha: string) => void;
  setConditioningMessage: (message: string | null) => void;
}

export const createConditioningSlice: StateCreator<AppState, [], [], ConditioningSlice> = (
  set,
) => ({
  conditioning: { choice: [], forSha: null, message: null },
  setConditioning: (choice, forSha) => set({ conditioning: { choice, forSha, message: null } }),
  setConditioningMessage: (message) =>
    set((s) => ({ conditioning: { ...s.conditioning, message } })),
});
