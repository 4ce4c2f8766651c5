import type { FeatureRequest } from '../../core/features/request';
import { conditioningKey } from '../../core/conditioning/conditioning';
import { activeConditioning } from '../conditioning/controls';
import type { AppState } from '../../store';
import type { ExplorerImage } from '../../store/slices/explorer';
import type { AppStore } from '../appStore';
import { JobSlot } from '../jobSlot';
import { JobCancelledError, userMessage } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';

/**
 * What the explorer's maps depend on (model, block, t, pool, seed, noise, image); a change of
 * any of these asks the engine again. Null when no maps can be asked for.
 */
export function mapsRequestKey(s: AppState): string | null {
  const m = s.model.summary?.manifest;
  const img = s.explorer.image;
  if (s.model.status !== 'ready' || !m || m.kind !== 'diffusion' || !img) return null;
  // Just after another model loads, the image is still fitted to the previous one: wait for it.
  if (img.x0.length !== m.image.channels * m.image.size * m.image.size) return null;
  const { block, t, pool, seed, noise } = s.explorer.selection;
  if (!m.blocks.some((b) => b.index === block)) return null;
  if (!m.schedule || t >= m.schedule.T) return null;
  // An image prepared for the previous model (another size) waits for its replacement.
  if (img.x0.length !== m.image.channels * m.image.size * m.image.size) return null;
  return JSON.stringify([
    s.model.summary?.sha256,
    block,
    t,
    pool,
    noise === 'none' ? '-' : seed,
    noise,
    img.id,
    conditioningKey(activeConditioning(s)),
  ]);
}

/** Keeps the explorer's maps in step with the selection: a newer request cancels an older one. */
export function createExplorerFeatures(deps: {
  store: AppStore;
  engine: Pick<UnetEngine, 'extract' | 'encode'>;
}) {
  const { store, engine } = deps;
  const slot = new JobSlot();

  /** Asks for the selected block's maps; a newer request aborts this one and drops its result. */
  async function request(key: string): Promise<void> {
    const s = store.getState();
    const img = s.explorer.image!;
    const { block, t, pool, seed, noise } = s.explorer.selection;
    const job = slot.start();
    s.setFeatureStatus('loading');
    const req: FeatureRequest = { t, blocks: [block], pool, seed, noise };
    const t0 = performance.now();
    let got: { data: Float32Array; dims: number[] } | null = null;
    try {
      const result = await engine.extract(
        [{ id: img.id, x0: img.x0, ...(img.classId !== undefined ? { label: img.classId } : {}) }],
        req,
        (batch) => {
          const tensor = batch.blocks[block];
          if (tensor) got = { data: tensor.data, dims: tensor.dims };
        },
        { signal: job.signal, batchSize: 1 },
      );
      if (!job.isLatest()) return;
      if (s.model.summary?.manifest?.encoder && !img.latent) await showLatent(img, job.signal);
      const out = got as { data: Float32Array; dims: number[] } | null;
      if (!out) throw new Error(`block ${block} returned nothing`);
      const [, C, H, W] = out.dims as [number, number, number, number];
      store.getState().setFeatures({
        key,
        block,
        data: out.data,
        dims: [C, H, W],
        ms: performance.now() - t0,
        fromCache: result.fromCache > 0,
      });
    } catch (err) {
      if (!job.isLatest() || err instanceof JobCancelledError) return;
      const message = userMessage(err);
      store.getState().setFeatureStatus('error', message);
      store.getState().notify('error', `Feature maps: ${message}`);
    } finally {
      job.end();
    }
  }

  /** Keeps a latent model's x0 (the encoder's output) with the image, for the x0/x_t panels. */
  async function showLatent(img: ExplorerImage, signal: AbortSignal): Promise<void> {
    const z = await engine.encode([{ id: img.id, x0: img.x0 }], { signal });
    const cur = store.getState().explorer.image;
    if (z && cur && cur.id === img.id && cur.x0 === img.x0) {
      store.getState().setExplorerImage({ ...cur, latent: z.data });
    }
  }

  let started = false;

  return {
    request,
    /** Follows the store from now on (once). */
    start(): void {
      if (started) return;
      started = true;
      let last: string | null = null;
      const check = (s: AppState) => {
        const key = mapsRequestKey(s);
        if (key === last) return;
        last = key;
        if (key) void request(key);
      };
      store.subscribe(check);
      check(store.getState());
    },
  };
}
