/**
 * Features for CKA from the model runtime: every block of a diffusion U-Net from ONE extract
 * call (one forward pass per batch feeds all blocks, through the feature cache), and a
 * classifier's layers (a manifest of kind "classifier": input x only, blocks = layers) from
 * plain forward passes pooled the same way (the model compared with runs on its own engine,
 * compare.ts).
 */
import type { Conditioning } from '../../core/conditioning/conditioning';
import type { FeatureItem } from '../../core/features/batch';
import type { FeatureRequest } from '../../core/features/request';
import type { ModelManifest } from '../../core/manifest/types';
import { adaptiveAvgPool2d } from '../../core/pool';
import type { ExtractProgress } from '../../protocol/model';
import type { JobOptions } from '../workers/bridge';
import { JobCancelledError } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';

/** One representation: n rows (items in order) × d features. */
export interface BlockFeatures {
  block: number;
  data: Float32Array;
  d: number;
}

/** Every requested block's features for `items`, one extract call. */
export async function diffusionFeatures(
  engine: Pick<UnetEngine, 'extract'>,
  items: FeatureItem[],
  req: FeatureRequest,
  options: JobOptions<ExtractProgress> & { conditioning?: Conditioning } = {},
): Promise<BlockFeatures[]> {
  const n = items.length;
  const out = new Map<number, BlockFeatures>();
  await engine.extract(
    items,
    req,
    (batch) => {
      for (const [key, t] of Object.entries(batch.blocks)) {
        const block = Number(key);
        const per = t.data.length / t.dims[0]!;
        let f = out.get(block);
        if (!f) {
          f = { block, data: new Float32Array(n * per), d: per };
          out.set(block, f);
        }
        f.data.set(t.data, batch.offset * per);
      }
    },
    options,
  );
  return req.blocks.map((b) => {
    const f = out.get(b);
    if (!f) throw new Error(`the model returned no features for block ${b}`);
    return f;
  });
}

/** Layer features of a classifier, `batchSize` images per forward pass, pooled p×p. */
export async function classifierFeatures(
  engine: Pick<UnetEngine, 'run'>,
  manifest: ModelManifest,
  items: FeatureItem[],
  pool: number,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  batchSize = 50,
): Promise<BlockFeatures[]> {
  const n = items.length;
  const { size: S, channels: C } = manifest.image;
  const per = C * S * S;
  const outputs = manifest.blocks.map((b) => b.output);
  const feats = manifest.blocks.map((b) => ({ block: b.index, data: new Float32Array(0), d: 0 }));
  for (let start = 0; start < n; start += batchSize) {
    if (options.signal?.aborted) throw new JobCancelledError('The CKA job');
    const batch = items.slice(start, start + batchSize);
    const x = new Float32Array(batch.length * per);
    batch.forEach((it, i) => x.set(it.x0, i * per));
    const res = await engine.run(
      { [manifest.inputs.x]: { data: x, dims: [batch.length, C, S, S] } },
      outputs,
      options.signal ? { signal: options.signal } : {},
    );
    outputs.forEach((name, k) => {
      const t = res[name];
      if (!t) throw new Error(`the classifier returned no ${name}`);
      let data = t.data;
      if (pool > 0 && t.dims.length === 4) {
        data = adaptiveAvgPool2d(data, t.dims as [number, number, number, number], pool);
      }
      const f = feats[k]!;
      const d = data.length / batch.length;
      if (f.d === 0) {
        f.d = d;
        f.data = new Float32Array(n * d);
      }
      f.data.set(data, start * d);
    });
    options.onProgress?.(Math.min(n, start + batchSize), n);
  }
  return feats;
}
