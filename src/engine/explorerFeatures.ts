import type { FeatureRequest } from '../core/features/request';
import { useAppStore } from '../store';
import type { AppState } from '../store';
import { JobCancelledError, userMessage } from './errors';
import { unetEngine } from './appRuntime';

/** What the maps depend on; a change of any of these asks the engine again. */
function featureKey(s: AppState): string | null {
  const m = s.model.summary?.manifest;
  const img = s.explorer.image;
  if (s.model.status !== 'ready' || !m || m.kind !== 'diffusion' || !img) return null;
  const { block, t, pool, seed, noise } = s.explorer.selection;
  if (!m.blocks.some((b) => b.index === block)) return null;
  if (!m.schedule || t >= m.schedule.T) return null;
  return JSON.stringify([
    s.model.summary?.sha256,
    block,
    t,
    pool,
    noise === 'none' ? '-' : seed,
    noise,
    img.id,
  ]);
}

let seq = 0;
let running: AbortController | null = null;

/** Asks for the selected block's maps; a newer request cancels this one and its result is dropped. */
async function request(key: string): Promise<void> {
  const s = useAppStore.getState();
  const img = s.explorer.image!;
  const { block, t, pool, seed, noise } = s.explorer.selection;
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const mine = ++seq;
  s.setFeatureStatus('loading');
  const req: FeatureRequest = { t, blocks: [block], pool, seed, noise };
  const t0 = performance.now();
  let got: { data: Float32Array; dims: number[] } | null = null;
  try {
    const result = await unetEngine.extract(
      [{ id: img.id, x0: img.x0 }],
      req,
      (batch) => {
        const tensor = batch.blocks[block];
        if (tensor) got = { data: tensor.data, dims: tensor.dims };
      },
      { signal: controller.signal, batchSize: 1 },
    );
    if (mine !== seq) return;
    const out = got as { data: Float32Array; dims: number[] } | null;
    if (!out) throw new Error(`block ${block} returned nothing`);
    const [, C, H, W] = out.dims as [number, number, number, number];
    useAppStore.getState().setFeatures({
      key,
      block,
      data: out.data,
      dims: [C, H, W],
      ms: performance.now() - t0,
      fromCache: result.fromCache > 0,
    });
  } catch (err) {
    if (mine !== seq || err instanceof JobCancelledError) return;
    const message = userMessage(err);
    useAppStore.getState().setFeatureStatus('error', message);
    useAppStore.getState().notify('error', `Feature maps: ${message}`);
  } finally {
    if (running === controller) running = null;
  }
}

let started = false;

/** Keeps the explorer's maps in step with the selection (once per app). */
export function startExplorerFeatures(): void {
  if (started) return;
  started = true;
  let last: string | null = null;
  const check = (s: AppState) => {
    const key = featureKey(s);
    if (key === last) return;
    last = key;
    if (key) void request(key);
  };
  useAppStore.subscribe(check);
  check(useAppStore.getState());
}
