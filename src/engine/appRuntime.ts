import { useAppStore } from '../store';
import { userMessage } from './errors';
import { UnetEngine } from './unetEngine';
import { createUnetBridge } from './workers';
import type { BackendPreference } from '../../workers/ort/backend';

const PREFERENCE_KEY = 'diffprobe.backend';
const PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];

/** The backend the user chose in the system panel (kept in localStorage), or automatic. */
export function storedPreference(): BackendPreference {
  try {
    const v = localStorage.getItem(PREFERENCE_KEY) as BackendPreference | null;
    return v && PREFERENCES.includes(v) ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** The app's one model runtime, wired to the store: crashes and restarts show in the UI. */
export const unetEngine = new UnetEngine(
  createUnetBridge({
    onCrash: (error) => {
      const s = useAppStore.getState();
      s.notify('error', error.message);
      s.setRuntimeError(error.message);
    },
    onStart: (starts) => useAppStore.getState().noteRuntimeStart(starts),
  }),
  storedPreference(),
);

/** Switches the app's runtime to another backend and says which one runs now. */
export async function chooseBackend(preference: BackendPreference): Promise<void> {
  try {
    localStorage.setItem(PREFERENCE_KEY, preference);
  } catch {
    // Storage denied: the choice lasts for this tab only.
  }
  unetEngine.setPreference(preference);
  await startRuntime();
}

export async function startRuntime(): Promise<void> {
  const s = useAppStore.getState();
  s.setRuntimeStarting();
  try {
    s.setRuntimeReady(await unetEngine.backend());
  } catch (err) {
    s.setRuntimeError(userMessage(err));
  }
}
