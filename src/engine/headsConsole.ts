import type { HeadsBackendPreference } from '../../workers/heads.worker';
import { createHeadsBridge, HeadsEngine } from './headsEngine';
import { lastSweepStats, runSweep } from './sweepSession';
import type { SweepOptions, SweepStats } from './sweepSession';

/** `window.diffprobeHeads` in the browser console (and for the bench). */
export interface HeadsConsole {
  /** A fresh heads worker on the given tfjs backend. */
  createEngine: (preference: HeadsBackendPreference) => HeadsEngine;
  /** Runs the panel's sweep (its timesteps, pool, epochs, limit); resolves with its timings. */
  runSweep: (options?: SweepOptions) => Promise<SweepStats | null>;
  /** The last sweep's timings (also after one started from the panel). */
  sweepStats: () => SweepStats | null;
}

declare global {
  var diffprobeHeads: HeadsConsole | undefined;
}

globalThis.diffprobeHeads = {
  createEngine: (preference) => new HeadsEngine(createHeadsBridge(), preference),
  runSweep: async (options) => {
    await runSweep(options);
    return lastSweepStats();
  },
  sweepStats: lastSweepStats,
};
