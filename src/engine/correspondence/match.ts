import { cosineMap, argmax2d, meanMaps, prepareTarget } from '../../core/correspondence/similarity';
import type { PreparedTarget } from '../../core/correspondence/similarity';
import { featureAt } from '../../core/correspondence/upsample';
import { warpImage, warpPoint } from '../../core/correspondence/warp';
import type { Warp } from '../../core/correspondence/warp';
import type { FeatureRequest } from '../../core/features/request';
import { prepareImage, type PixelImage } from '../../core/image/prepare';
import type { ModelManifest } from '../../core/manifest/types';
import type { AppState } from '../../store';
import type { CorrespondenceState } from '../../store/slices/correspondence';
import type { AppStore } from '../appStore';
import type { LabeledImages } from '../datasets/access';
import { JobSlot } from '../jobSlot';
import { JobCancelledError, userMessage } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';

/** The item id of a warped copy (keys its noise and its cached maps). */
export function warpedId(id: string, w: Warp): string {
  return `${id}|warp(${w.dx},${w.dy},${w.scale},${w.rotate})`;
}

/** How many noise samples a request really takes: one without noise (all would be equal). */
export function effectiveSamples(s: AppState): number {
  return s.explorer.selection.noise === 'none' ? 1 : s.correspondence.samples;
}

function targetKey(c: CorrespondenceState): string {
  const t = c.target;
  if (t.kind === 'warp') return warpedId('', c.warp);
  return t.kind === 'item' ? `item:${t.id}` : `file:${t.name}`;
}

/**
 * What the match depends on: model, block, t, seed, noise, noise samples, source and target.
 * Null when no maps can be asked for.
 */
export function correspondenceKey(s: AppState): string | null {
  const m = s.model.summary?.manifest;
  const img = s.explorer.image;
  if (s.model.status !== 'ready' || !m || m.kind !== 'diffusion' || !img) return null;
  const { block, t, seed, noise } = s.explorer.selection;
  if (!m.blocks.some((b) => b.index === block)) return null;
  if (!m.schedule || t >= m.schedule.T) return null;
  return JSON.stringify([
    s.model.summary?.sha256,
    block,
    t,
    noise === 'none' ? '-' : seed,
    noise,
    effectiveSamples(s),
    img.id,
    targetKey(s.correspondence),
  ]);
}

/** Full-resolution maps of one block for a pair of images, averaged over k noise samples. */
export async function pairMaps(
  engine: Pick<UnetEngine, 'extract'>,
  pair: [{ id: string; x0: Float32Array }, { id: string; x0: Float32Array }],
  req: Omit<FeatureRequest, 'pool'>,
  k: number,
  opts: { signal?: AbortSignal; cache: boolean },
): Promise<Map<number, { src: Float32Array; tgt: Float32Array; dims: [number, number, number] }>> {
  const got = new Map<number, { src: Float32Array[]; tgt: Float32Array[]; dims: number[] }>();
  for (let s = 0; s < k; s++) {
    // One forward pass per (image, t, noise sample): both images in one batch, every block.
    await engine.extract(
      pair,
      { ...req, seed: req.seed + s, pool: 0 },
      (batch) => {
        for (const [b, tensor] of Object.entries(batch.blocks)) {
          const [n, ...dims] = tensor.dims;
          const size = dims.reduce((a, d) => a * d, 1);
          const entry = got.get(Number(b)) ?? { src: [], tgt: [], dims };
          for (let i = 0; i < (n ?? 0); i++) {
            const row = tensor.data.slice(i * size, (i + 1) * size);
            (batch.offset + i === 0 ? entry.src : entry.tgt).push(row);
          }
          got.set(Number(b), entry);
        }
      },
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        batchSize: 2,
        cacheFull: opts.cache,
        useCache: opts.cache,
      },
    );
  }
  const out = new Map<
    number,
    { src: Float32Array; tgt: Float32Array; dims: [number, number, number] }
  >();
  for (const [b, e] of got) {
    if (e.src.length !== k || e.tgt.length !== k) throw new Error(`block ${b} returned no maps`);
    out.set(b, {
      src: meanMaps(e.src),
      tgt: meanMaps(e.tgt),
      dims: e.dims as [number, number, number],
    });
  }
  return out;
}

/**
 * Keeps the correspondence in step with the explorer: the selected block's full-resolution
 * maps of the explored image and the target (one forward pass per noise sample, cached like
 * other features), and the match of the probe point, recomputed on a click without a pass.
 */
export function createCorrespondence(deps: {
  store: AppStore;
  engine: Pick<UnetEngine, 'extract'>;
  dataset: (size: number, channels: 1 | 3) => Promise<LabeledImages>;
  decode: (file: File) => Promise<PixelImage>;
}) {
  const { store, engine } = deps;
  const slot = new JobSlot();
  const files = new Map<string, File>();
  let maps: {
    key: string;
    src: Float32Array;
    dims: [number, number, number];
    target: PreparedTarget;
  } | null = null;

  async function resolveTarget(s: AppState, m: ModelManifest) {
    const img = s.explorer.image!;
    const c = s.correspondence;
    const { size, channels } = m.image;
    if (c.target.kind === 'warp') {
      const w = c.warp;
      const fill = m.image.range[0];
      return {
        id: warpedId(img.id, w),
        label: `${img.label}, shifted by (${w.dx}, ${w.dy})${w.scale !== 1 || w.rotate !== 0 ? `, scaled ×${w.scale}, rotated ${w.rotate}°` : ''}`,
        x0: warpImage(img.x0, [channels, size, size], w, fill),
      };
    }
    if (c.target.kind === 'file') {
      const file = files.get(c.target.name);
      if (!file)
        throw new Error(`The file ${c.target.name} is not open any more; drop it in again.`);
      const px = await deps.decode(file);
      return {
        id: `file:${file.name}:${file.size}:${file.lastModified}`,
        label: file.name,
        x0: prepareImage(px, { size, channels, mode: 'crop' }),
      };
    }
    const id = c.target.id;
    const ds = await deps.dataset(size, channels);
    for (const split of [ds.test, ds.train]) {
      const i = split.items.findIndex((it) => it.id === id);
      if (i >= 0)
        return { id, label: `${ds.classes[split.labels[i]!]} (${id})`, x0: split.items[i]!.x0 };
    }
    throw new Error(`${id} is not in the dataset ${ds.name}.`);
  }

  /** The match of (x, y) on the maps computed; only records the point while they are pending. */
  function probe(x: number, y: number): void {
    const s = store.getState();
    const m = s.model.summary?.manifest;
    if (!m) return;
    const S = m.image.size;
    const px = Math.min(S - 1, Math.max(0, Math.round(x)));
    const py = Math.min(S - 1, Math.max(0, Math.round(y)));
    const point: [number, number] = [px, py];
    const key = correspondenceKey(s);
    if (!maps || maps.key !== key) {
      s.setCorrespondence({ point });
      return;
    }
    const t0 = performance.now();
    const sim = cosineMap(featureAt(maps.src, maps.dims, S, S, px, py), maps.target);
    const best = argmax2d(sim, S);
    const c = s.correspondence;
    const truth = c.target.kind === 'warp' ? warpPoint(c.warp, px, py, S, S) : null;
    s.setCorrespondence({
      point,
      match: { key: maps.key, point, sim, best, truth, ms: performance.now() - t0 },
    });
  }

  async function request(key: string): Promise<void> {
    const job = slot.start();
    const s = store.getState();
    const m = s.model.summary!.manifest!;
    const img = s.explorer.image!;
    const { block, t, seed, noise } = s.explorer.selection;
    const S = m.image.size;
    s.setCorrespondence({ status: 'loading', error: null });
    const t0 = performance.now();
    try {
      const target = await resolveTarget(s, m);
      if (!job.isLatest()) return;
      store.getState().setCorrespondence({ targetImage: target });
      const got = await pairMaps(
        engine,
        [{ id: img.id, x0: img.x0 }, target],
        { t, blocks: [block], seed, noise },
        effectiveSamples(s),
        { signal: job.signal, cache: true },
      );
      if (!job.isLatest()) return;
      const pair = got.get(block);
      if (!pair) throw new Error(`block ${block} returned nothing`);
      maps = {
        key,
        src: pair.src,
        dims: pair.dims,
        target: prepareTarget(pair.tgt, pair.dims, S, S),
      };
      store.getState().setCorrespondence({
        status: 'ready',
        mapsKey: key,
        mapsMs: performance.now() - t0,
      });
      const point = store.getState().correspondence.point;
      if (point) probe(point[0], point[1]);
    } catch (err) {
      if (!job.isLatest() || err instanceof JobCancelledError) return;
      const message = userMessage(err);
      store.getState().setCorrespondence({ status: 'error', error: message });
    } finally {
      job.end();
    }
  }

  /** Makes a dropped or picked file the target. */
  function openTargetFile(file: File): void {
    files.set(file.name, file);
    store.getState().setCorrespondence({ target: { kind: 'file', name: file.name } });
  }

  let started = false;
  return {
    probe,
    openTargetFile,
    /** Follows the store from now on (once). */
    start(): void {
      if (started) return;
      started = true;
      let last: string | null = null;
      const check = (s: AppState) => {
        const key = correspondenceKey(s);
        if (key === last) return;
        last = key;
        if (key) void request(key);
      };
      store.subscribe(check);
      check(store.getState());
    },
  };
}
