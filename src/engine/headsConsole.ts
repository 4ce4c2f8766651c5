import type { HeadsBackendPreference } from '../../workers/heads.worker';
import { createHeadsBridge, HeadsEngine } from './headsEngine';

/** `window.diffprobeHeads` in the browser console (and for the bench): a fresh heads worker. */
export interface HeadsConsole {
  createEngine: (preference: HeadsBackendPreference) => HeadsEngine;
}

declare global {
  var diffprobeHeads: HeadsConsole | undefined;
}

globalThis.diffprobeHeads = {
  createEngine: (preference) => new HeadsEngine(createHeadsBridge(), preference),
};
