/**
 * A 2-D UMAP (McInnes et al. 2018) of n×d features with umap-js, seeded so the same features
 * give the same map. PCA keeps distances along the two largest directions; UMAP keeps each
 * point's neighbours, so classes that are separable but not along the top components show as
 * clusters.
 */
import { UMAP } from 'umap-js';
import { makeRng } from '../heads/random';

export interface UmapOptions {
  seed?: number;
  /** Neighbours per point (UMAP's n_neighbors; capped at n − 1). */
  neighbors?: number;
  minDist?: number;
  /** Optimisation epochs (umap-js's default for up to 10,000 points is 500). */
  epochs?: number;
  /** Called per optimisation epoch; return false to stop (cancel). */
  onEpoch?: (epoch: number, epochs: number) => boolean | void;
}

export class UmapCancelled extends Error {
  constructor() {
    super('The UMAP map was cancelled.');
    this.name = 'UmapCancelled';
  }
}

/** n×2 row-major coordinates. */
export async function umap2d(
  data: Float32Array,
  n: number,
  d: number,
  opts: UmapOptions = {},
): Promise<Float64Array> {
  if (data.length !== n * d) throw new RangeError(`expected ${n}×${d} values, got ${data.length}`);
  if (n < 4) throw new RangeError(`a UMAP map needs at least 4 images, got ${n}`);
  const epochs = opts.epochs ?? 500;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(data.subarray(i * d, i * d + d)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(opts.neighbors ?? 15, n - 1),
    minDist: opts.minDist ?? 0.1,
    random: makeRng(opts.seed ?? 0),
    nEpochs: epochs,
  });
  let stopped = false;
  const embedding = await umap.fitAsync(rows, (epoch) => {
    const go = opts.onEpoch?.(epoch, epochs) ?? true;
    if (go === false) stopped = true;
    return go;
  });
  if (stopped) throw new UmapCancelled();
  const out = new Float64Array(n * 2);
  embedding.forEach((p, i) => {
    out[2 * i] = p[0]!;
    out[2 * i + 1] = p[1]!;
  });
  return out;
}
