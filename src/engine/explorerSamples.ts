import { useAppStore } from '../store';
import { JobCancelledError, userMessage } from './errors';
import { unetEngine } from './appRuntime';

let running: AbortController | null = null;

/**
 * Generates `n` DDIM samples from the loaded model; every step's x_t lands in the store, so
 * the panel shows them denoising. Sample i depends only on (seed, steps, i).
 */
export async function generateSamples(n: number, steps: number, seed: number): Promise<boolean> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const s = useAppStore.getState();
  s.setSamples({ status: 'running', n, steps, seed, step: 0, t: null, x: null });
  try {
    const out = await unetEngine.sample(
      { n, steps, seed },
      (step) => {
        if (controller.signal.aborted) return;
        useAppStore.getState().setSamples({ step: step.step, t: step.t, x: step.x.data });
      },
      { signal: controller.signal },
    );
    if (controller.signal.aborted) return false;
    useAppStore.getState().setSamples({ status: 'done', x: out.data, t: 0 });
    return true;
  } catch (err) {
    if (err instanceof JobCancelledError || controller.signal.aborted) {
      if (running === controller) useAppStore.getState().setSamples({ status: 'idle' });
      return false;
    }
    const message = userMessage(err);
    useAppStore.getState().setSamples({ status: 'error' });
    useAppStore.getState().notify('error', `Sampling: ${message}`);
    return false;
  } finally {
    if (running === controller) running = null;
  }
}

export function cancelSamples(): void {
  running?.abort();
}

/**
 * One finished sample's pixels: from the samples on screen when they match, else generated
 * again (a link to a sample restores it).
 */
export async function sampleImage(
  seed: number,
  steps: number,
  index: number,
): Promise<Float32Array> {
  const m = useAppStore.getState().model.summary?.manifest;
  if (!m) throw new Error('no model is loaded');
  const size = m.image.channels * m.image.size * m.image.size;
  const cur = useAppStore.getState().explorer.samples;
  if (cur.status === 'done' && cur.x && cur.seed === seed && cur.steps === steps && index < cur.n) {
    return cur.x.slice(index * size, (index + 1) * size);
  }
  const out = await unetEngine.sample({ n: index + 1, steps, seed }, () => {});
  return out.data.slice(index * size, (index + 1) * size);
}
