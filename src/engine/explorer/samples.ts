import type { AppStore } from '../appStore';
import { JobSlot } from '../jobSlot';
import { JobCancelledError, userMessage } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';

/** DDIM samples of the loaded model, shown step by step; a new run cancels the one that runs. */
export function createSamples(deps: { store: AppStore; engine: Pick<UnetEngine, 'sample'> }) {
  const { store, engine } = deps;
  const slot = new JobSlot();

  /**
   * Generates `n` DDIM samples from the loaded model; every step's x_t lands in the store, so
   * the panel shows them denoising. Sample i depends only on (seed, steps, i).
   */
  async function generateSamples(n: number, steps: number, seed: number): Promise<boolean> {
    const job = slot.start();
    const { signal } = job;
    store.getState().setSamples({ status: 'running', n, steps, seed, step: 0, t: null, x: null });
    try {
      const out = await engine.sample(
        { n, steps, seed },
        (step) => {
          if (signal.aborted) return;
          store.getState().setSamples({ step: step.step, t: step.t, x: step.x.data });
        },
        { signal },
      );
      if (signal.aborted) return false;
      store.getState().setSamples({ status: 'done', x: out.data, t: 0 });
      return true;
    } catch (err) {
      if (err instanceof JobCancelledError || signal.aborted) {
        if (job.isLatest()) store.getState().setSamples({ status: 'idle' });
        return false;
      }
      store.getState().setSamples({ status: 'error' });
      store.getState().notify('error', `Sampling: ${userMessage(err)}`);
      return false;
    } finally {
      job.end();
    }
  }

  /**
   * One finished sample's pixels: from the samples on screen when they match, else generated
   * again (a link to a sample restores it).
   */
  async function sampleImage(seed: number, steps: number, index: number): Promise<Float32Array> {
    const m = store.getState().model.summary?.manifest;
    if (!m) throw new Error('no model is loaded');
    const size = m.image.channels * m.image.size * m.image.size;
    const cur = store.getState().explorer.samples;
    if (
      cur.status === 'done' &&
      cur.x &&
      cur.seed === seed &&
      cur.steps === steps &&
      index < cur.n
    ) {
      return cur.x.slice(index * size, (index + 1) * size);
    }
    const out = await engine.sample({ n: index + 1, steps, seed }, () => {});
    return out.data.slice(index * size, (index + 1) * size);
  }

  return { generateSamples, cancelSamples: () => slot.cancel(), sampleImage };
}
