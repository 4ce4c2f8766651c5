import * as Comlink from 'comlink';
import { buildInputs } from '../../src/core/features/batch';
import type { FeatureItem } from '../../src/core/features/batch';
import { checkRequest, featureKey } from '../../src/core/features/request';
import type { FeatureRequest } from '../../src/core/features/request';
import { adaptiveAvgPool2d } from '../../src/core/pool';
import { conditioningFeeds, conditioningKey } from '../../src/core/conditioning/conditioning';
import type { Conditioning } from '../../src/core/conditioning/conditioning';
import type { FeatureCache } from '../shared/featureCache';
import { checkpoint, throwIfCancelled } from '../shared/jobs';
import type {
  ExtractProgress,
  ExtractResult,
  FeatureBatch,
  PlainTensor,
} from '../../src/protocol/model';
import type { LoadedDiffusion } from './types';
import { timestepFeed } from './types';
import { encodeItems } from './encoder';

/** One forward pass for `items`; returns each block's (pooled) output. */
async function computeBatch(
  m: LoadedDiffusion,
  items: FeatureItem[],
  req: FeatureRequest,
  blocks: number[],
  outputs: string[],
  shape: readonly [number, number, number],
  cond: Conditioning,
): Promise<Record<number, PlainTensor>> {
  const { manifest } = m;
  const inputs = buildInputs(items, shape, m.schedule, req);
  // Pooling happens in the graph where p divides the map (on the GPU with WebGPU).
  const targets = blocks.map((b) => {
    const info = manifest.blocks[b - 1]!;
    return { name: info.output, height: info.height, width: info.width };
  });
  const result = await m.runtime.forward(
    {
      [manifest.inputs.x]: { data: inputs.x, dims: inputs.dims },
      [manifest.inputs.t!]: timestepFeed(manifest, inputs.t),
      ...conditioningFeeds(
        cond,
        items.map((i) => i.label),
      ),
    },
    outputs,
    req.pool > 0 ? { size: req.pool, targets } : undefined,
  );
  const out: Record<number, PlainTensor> = {};
  blocks.forEach((b, i) => {
    const o = result[outputs[i]!]!;
    const [n, c, h, w] = o.dims as [number, number, number, number];
    out[b] =
      req.pool > 0 && o.pooled !== req.pool
        ? {
            data: adaptiveAvgPool2d(o.data, [n, c, h, w], req.pool),
            dims: [n, c, req.pool, req.pool],
          }
        : o;
  });
  return out;
}

export interface ExtractOptions {
  batchSize: number;
  useCache: boolean;
  /** Cache full-resolution maps (pool 0) too, as correspondence asks; pooled ones always are. */
  cacheFull?: boolean;
  /** What the model's class and context inputs get (empty for an unconditional model). */
  conditioning?: Conditioning;
}

/**
 * Pooled block features of `items` at one timestep: one forward pass per batch yields every
 * requested block; items whose features are cached skip the pass. Batches stream to `onBatch`.
 */
export async function runExtract(
  m: LoadedDiffusion,
  cache: FeatureCache,
  items: FeatureItem[],
  req: FeatureRequest,
  onBatch: (batch: FeatureBatch) => void,
  progress: (p: ExtractProgress) => void,
  opts: ExtractOptions,
  signal: AbortSignal,
): Promise<ExtractResult> {
  const { manifest } = m;
  checkRequest(req, manifest.blocks.length, m.schedule.T);
  const blocks = [...new Set(req.blocks)].sort((a, b) => a - b);
  const outputs = blocks.map((b) => manifest.blocks[b - 1]!.output);
  const shape =
    m.encoder?.latent ??
    ([manifest.image.channels, manifest.image.size, manifest.image.size] as const);
  const size = opts.batchSize;
  const t0 = performance.now();
  const cacheable = opts.useCache && (req.pool > 0 || opts.cacheFull === true);
  const hash = m.summary.sha256;
  const cond = opts.conditioning ?? [];
  // Features under another conditioning are other features: the key tells them apart.
  const condKey = conditioningKey(cond);
  let fromCache = 0;
  let computedItems = 0;
  let forwardCalls = 0;
  let cacheError: string | undefined;
  for (let offset = 0; offset < items.length; offset += size) {
    await checkpoint(signal);
    const chunk = items.slice(offset, offset + size);
    const keys = cacheable
      ? blocks.flatMap((b) => chunk.map((c) => featureKey(hash, b, req, c.id) + condKey))
      : [];
    const cached = cacheable ? await cache.getMany(keys) : [];
    // Items with every requested block cached skip the forward pass.
    const missing = chunk.filter(
      (_, i) => !cacheable || blocks.some((_b, bi) => !cached[bi * chunk.length + i]),
    );
    fromCache += chunk.length - missing.length;
    const computed = missing.length
      ? await computeBatch(
          m,
          m.encoder ? await encodeItems(m.encoder, missing) : missing,
          req,
          blocks,
          outputs,
          shape,
          cond,
        )
      : {};
    if (missing.length) {
      computedItems += missing.length;
      forwardCalls += 1;
    }
    const batch: FeatureBatch = { offset, ids: chunk.map((c) => c.id), blocks: {} };
    const toStore: { key: string; data: Float32Array; dims: number[] }[] = [];
    blocks.forEach((b, bi) => {
      const fresh = computed[b];
      if (!cacheable && fresh) {
        batch.blocks[b] = fresh;
        return;
      }
      // Assemble the chunk in order from cache hits and fresh rows.
      const rowDims = fresh ? fresh.dims.slice(1) : cached[bi * chunk.length]!.dims;
      const rowSize = rowDims.reduce((a, d) => a * d, 1);
      const data = new Float32Array(chunk.length * rowSize);
      let k = 0;
      chunk.forEach((item, i) => {
        const hit = cached[bi * chunk.length + i];
        const isMissing = missing[k] === item;
        if (isMissing && fresh) {
          const row = fresh.data.subarray(k * rowSize, (k + 1) * rowSize);
          data.set(row, i * rowSize);
          toStore.push({ key: keys[bi * chunk.length + i]!, data: row.slice(), dims: rowDims });
        } else if (hit) {
          data.set(hit.data, i * rowSize);
        }
        if (isMissing) k += 1;
      });
      batch.blocks[b] = { data, dims: [chunk.length, ...rowDims] };
    });
    if (toStore.length && !cacheError) {
      // A full or unavailable cache must not fail the job; the result says what happened.
      await cache.putMany(toStore).catch((err: unknown) => {
        cacheError = `features were computed but not cached: ${err instanceof Error ? err.message : String(err)}`;
      });
    }
    throwIfCancelled(signal);
    onBatch(
      Comlink.transfer(
        batch,
        Object.values(batch.blocks).map((t) => t.data.buffer as ArrayBuffer),
      ),
    );
    progress({
      done: offset + chunk.length,
      total: items.length,
      ms: performance.now() - t0,
      fromCache,
    });
  }
  return {
    count: items.length,
    ms: performance.now() - t0,
    fromCache,
    computed: computedItems,
    forwardCalls,
    ...(cacheError ? { cacheError } : {}),
  };
}
