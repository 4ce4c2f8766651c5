import { useAppStore } from '../store';
import { userMessage } from './errors';
import { UnetEngine } from './unetEngine';
import { createUnetBridge } from './workers';

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
);

export async function startRuntime(): Promise<void> {
  const s = useAppStore.getState();
  s.setRuntimeStarting();
  try {
    s.setRuntimeReady(await unetEngine.backend());
  } catch (err) {
    s.setRuntimeError(userMessage(err));
  }
}
