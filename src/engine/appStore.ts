import type { StoreApi } from 'zustand';
import type { AppState } from '../store';

/**
 * What a feature controller needs of the store: to read it (its actions are part of the
 * state) and to follow it. Controllers take it as a parameter, so tests pass a fresh store.
 */
export type AppStore = Pick<StoreApi<AppState>, 'getState' | 'subscribe'>;
