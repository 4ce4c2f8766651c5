import type { StateCreator } from 'zustand';
import type { BackendInfo } from '../../protocol/model';
import type { AppState } from '../types';

export type RuntimeStatus = 'idle' | 'starting' | 'ready' | 'error';

export interface RuntimeSlice {
  runtime: {
    status: RuntimeStatus;
    info: BackendInfo | null;
    error: string | null;
    starts: number;
  };
  setRuntimeStarting: () => void;
  setRuntimeReady: (info: BackendInfo) => void;
  setRuntimeError: (message: string) => void;
  noteRuntimeStart: (starts: number) => void;
}

export const createRuntimeSlice: StateCreator<AppState, [], [], RuntimeSlice> = (set) => ({
  runtime: { status: 'idle', info: null, error: null, starts: 0 },
  setRuntimeStarting: () =>
    set((s) => ({ runtime: { ...s.runtime, status: 'starting', error: null } })),
  setRuntimeReady: (info) => set((s) => ({ runtime: { ...s.runtime, status: 'ready', info } })),
  setRuntimeError: (error) => set((s) => ({ runtime: { ...s.runtime, status: 'error', error } })),
  noteRuntimeStart: (starts) => set((s) => ({ runtime: { ...s.runtime, starts } })),
});
