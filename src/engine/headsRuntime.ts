import { useAppStore } from '../store';
import { HeadsEngine, createHeadsBridge, headsPreference } from './headsEngine';

/** The app's heads worker (tfjs), wired to the store: a crash shows as a notice. */
export const headsEngine = new HeadsEngine(
  createHeadsBridge({
    onCrash: (error) => useAppStore.getState().notify('error', error.message),
  }),
  headsPreference(),
);

/** The noise seed of every feature the heads use (the feature cache is keyed by it). */
export const HEADS_NOISE_SEED = 0;
