import type { BackendPreference } from '../../protocol/model';
import type { AppStore } from '../appStore';
import type { BridgeEvents } from '../workers/bridge';
import { userMessage } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';

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

/** The model worker's crashes and restarts, shown in the UI. */
export function runtimeEvents(store: AppStore): BridgeEvents {
  return {
    onCrash: (error) => {
      const s = store.getState();
      s.notify('error', error.message);
      s.setRuntimeError(error.message);
    },
    onStart: (starts) => store.getState().noteRuntimeStart(starts),
  };
}

/**
 * The notice for a feature cache that cannot be written (the storage is full): extraction goes
 * on uncached, and the user is told once per page, not once per batch or job.
 */
export function cacheErrorNotice(store: AppStore): (message: string) => void {
  let told = false;
  return (message) => {
    if (told) return;
    told = true;
    store
      .getState()
      .notify(
        'warning',
        `The feature cache is not being written (${message}). Extraction goes on without it, so features are computed again next time; free space by deleting a dataset or clearing the cache.`,
      );
  };
}

/** Starting the model runtime and switching its backend, with the header's status in step. */
export function createRuntimeController(deps: {
  store: AppStore;
  engine: Pick<UnetEngine, 'backend' | 'setPreference'>;
}) {
  const { store, engine } = deps;

  async function startRuntime(): Promise<void> {
    const s = store.getState();
    s.setRuntimeStarting();
    try {
      s.setRuntimeReady(await engine.backend());
    } catch (err) {
      s.setRuntimeError(userMessage(err));
    }
  }

  /** Switches the runtime to another backend and says which one runs now. */
  async function chooseBackend(preference: BackendPreference): Promise<void> {
    try {
      localStorage.setItem(PREFERENCE_KEY, preference);
    } catch {
      // Storage denied: the choice lasts for this tab only.
    }
    engine.setPreference(preference);
    await startRuntime();
  }

  return { startRuntime, chooseBackend };
}
