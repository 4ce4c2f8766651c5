import type { HeadsBackendPreference } from '../../protocol/heads';
import type { SweepOptions, SweepStats } from '../sweep/run';
import { createHeadsBridge } from '../workers/create';
import { HeadsEngine } from '../workers/headsEngine';

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

export function installHeadsConsole(sweep: {
  runSweep: (options?: SweepOptions) => Promise<void>;
  lastSweepStats: () => SweepStats | null;
}): void {
  globalThis.diffprobeHeads = {
    createEngine: (preference) => new HeadsEngine(createHeadsBridge(), preference),
    runSweep: async (options) => {
      await sweep.runSweep(options);
      return sweep.lastSweepStats();
    },
    sweepStats: sweep.lastSweepStats,
  };
}
