import { argmax2d, cosineMap, prepareTarget } from '../../core/correspondence/similarity';
import { featureAt } from '../../core/correspondence/upsample';
import { checkWarp, probePoints, warpImage, warpPoint } from '../../core/correspondence/warp';
import type { CorrespondenceSweepRow } from '../../store/slices/correspondence';
import type { AppStore } from '../appStore';
import type { LabeledImages } from '../datasets/access';
import { JobSlot } from '../jobSlot';
import { JobCancelledError, userMessage } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';
import { effectiveSamples, pairMaps, warpedId } from './match';

/** Probe points per image: an 8×8 grid, kept where it is on the object and stays inside. */
const GRID = 8;
/** Full-resolution maps held at once per forward pass (bytes); more blocks go in more passes. */
const MAP_BUDGET = 256 * 1024 * 1024;

/** Groups blocks so that each group's maps for a pair of images fit the budget. */
export function blockGroups(
  blocks: { index: number; bytes: number }[],
  budget: number,
): number[][] {
  const groups: number[][] = [];
  let cur: number[] = [];
  let used = 0;
  // From the deepest block down: block 1 (no `t` input of its own) never runs alone.
  for (const b of [...blocks].sort((a, b) => b.index - a.index)) {
    if (cur.length && used + b.bytes > budget) {
      groups.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(b.index);
    used += b.bytes;
  }
  if (cur.length) groups.push(cur);
  return groups;
}

/**
 * The correspondence sweep: N images of the current dataset, each against a copy warped by the
 * current warp; PCK@0.1 of every block at the explorer's t, seed, noise and noise samples.
 */
export function createCorrespondenceSweep(deps: {
  store: AppStore;
  engine: Pick<UnetEngine, 'extract'>;
  dataset: (size: number, channels: 1 | 3) => Promise<LabeledImages>;
}) {
  const { store, engine } = deps;
  const slot = new JobSlot();

  async function run(n: number): Promise<CorrespondenceSweepRow[] | null> {
    const job = slot.start();
    const s = store.getState();
    const m = s.model.summary?.manifest;
    const set = (p: Parameters<typeof s.setCorrespondenceSweep>[0]) =>
      store.getState().setCorrespondenceSweep(p);
    if (!m || m.kind !== 'diffusion' || s.model.status !== 'ready') return null;
    const { t, seed, noise } = s.explorer.selection;
    const warp = s.correspondence.warp;
    const k = effectiveSamples(s);
    const { size: S, channels: C, range } = m.image;
    const t0 = performance.now();
    set({ status: 'running', fraction: 0, rows: [], error: null, t, n });
    try {
      checkWarp(warp);
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`use at least 1 image, got ${n}`);
      const ds = await deps.dataset(S, C);
      const items = [...ds.test.items, ...ds.train.items].slice(0, n);
      const groups = blockGroups(
        m.blocks.map((b) => ({ index: b.index, bytes: b.channels * b.height * b.width * 8 })),
        MAP_BUDGET,
      );
      const hits = new Map<number, number>();
      const count = new Map<number, number>();
      const fill = range[0];
      const radius = 0.1 * S;
      set({
        detail: `${items.length} images, warp (${warp.dx}, ${warp.dy}) px ×${warp.scale} ${warp.rotate}°, t = ${t}, ${k} noise sample${k > 1 ? 's' : ''}`,
      });
      for (const [i, item] of items.entries()) {
        const dims = [C, S, S] as const;
        const points = probePoints(item.x0, dims, warp, {
          n: GRID,
          fill,
          minContrast: 0.1 * (range[1] - range[0]),
        });
        if (points.length) {
          const warped = { id: warpedId(item.id, warp), x0: warpImage(item.x0, dims, warp, fill) };
          for (const blocks of groups) {
            const got = await pairMaps(
              engine,
              [{ id: item.id, x0: item.x0 }, warped],
              { t, blocks, seed, noise },
              k,
              { signal: job.signal, cache: false },
            );
            for (const [b, pair] of got) {
              const target = prepareTarget(pair.tgt, pair.dims, S, S);
              let h = 0;
              for (const [x, y] of points) {
                const best = argmax2d(
                  cosineMap(featureAt(pair.src, pair.dims, S, S, x, y), target),
                  S,
                );
                const [tx, ty] = warpPoint(warp, x, y, S, S);
                if (Math.hypot(best.x - tx, best.y - ty) <= radius) h += 1;
              }
              hits.set(b, (hits.get(b) ?? 0) + h);
              count.set(b, (count.get(b) ?? 0) + points.length);
            }
          }
        }
        if (!job.isLatest()) return null;
        set({ fraction: (i + 1) / items.length, ms: performance.now() - t0 });
      }
      const rows = m.blocks.map((b) => {
        const points = count.get(b.index) ?? 0;
        return { block: b.index, pck: points ? (hits.get(b.index) ?? 0) / points : NaN, points };
      });
      set({ status: 'done', rows, fraction: 1, ms: performance.now() - t0 });
      return rows;
    } catch (err) {
      if (!job.isLatest()) return null;
      if (err instanceof JobCancelledError) {
        set({ status: 'idle', error: null });
        return null;
      }
      set({ status: 'error', error: userMessage(err) });
      return null;
    } finally {
      job.end();
    }
  }

  return { run, cancel: () => slot.cancel() };
}
