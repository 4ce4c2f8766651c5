import { describe, expect, it } from 'vitest';
import type { FeatureItem } from '../../core/features/batch';
import type { FeatureRequest } from '../../core/features/request';
import { mulberry32 } from '../../core/random';
import type { ExtractResult, FeatureBatch } from '../../protocol/model';
import { createAppStore } from '../../store';
import { MANIFEST, SUMMARY, tinyDataset, until } from '../testing/fakes';
import { createCorrespondence, pairMaps } from './match';
import { blockGroups } from './sweep';

const S = 8;
const manifest = {
  ...MANIFEST,
  image: { size: S, channels: 1 as const, range: [-1, 1] as [number, number] },
  blocks: [1, 2].map((index) => ({
    index,
    stage: 'encoder' as const,
    channels: 3,
    height: S,
    width: S,
    output: `b${index}`,
  })),
};

/**
 * A model whose block maps are a function of each pixel's value (so a pixel is found where its
 * value went), plus the noise seed in every channel. Records the requests.
 */
function contentEngine() {
  const calls: { items: FeatureItem[]; req: FeatureRequest; opts: Record<string, unknown> }[] = [];
  return {
    calls,
    async extract(
      items: FeatureItem[],
      req: FeatureRequest,
      onBatch: (b: FeatureBatch) => void,
      opts: Record<string, unknown> = {},
    ): Promise<ExtractResult> {
      calls.push({ items, req, opts });
      const blocks: FeatureBatch['blocks'] = {};
      for (const b of req.blocks) {
        const data = new Float32Array(items.length * 3 * S * S);
        items.forEach((it, i) => {
          for (let p = 0; p < S * S; p++) {
            const v = it.x0[p]!;
            data[(i * 3 + 0) * S * S + p] = Math.cos(3 * v) + req.seed * 1e-3;
            data[(i * 3 + 1) * S * S + p] = Math.sin(3 * v);
            data[(i * 3 + 2) * S * S + p] = v * b;
          }
        });
        blocks[b] = { data, dims: [items.length, 3, S, S] };
      }
      onBatch({ offset: 0, ids: items.map((i) => i.id), blocks });
      return { count: items.length, ms: 1, fromCache: 0, computed: items.length, forwardCalls: 1 };
    },
  };
}

function setup() {
  const store = createAppStore();
  store.getState().setModelReady(
    { kind: 'builtin', id: 'tiny-unet' },
    {
      ...SUMMARY,
      manifest,
    },
  );
  const r = mulberry32(5);
  const x0 = Float32Array.from({ length: S * S }, () => r() * 2 - 1);
  store.getState().setExplorerImage({
    ref: { kind: 'item', id: 'test/a/0.png' },
    id: 'test/a/0.png',
    label: 'a',
    x0,
    fit: null,
  });
  store.getState().select({ block: 2, t: 10, seed: 4, noise: 'seeded' });
  const engine = contentEngine();
  const c = createCorrespondence({
    store,
    engine,
    dataset: async () => tinyDataset(),
    decode: () => Promise.reject(new Error('no files here')),
  });
  return { store, engine, c };
}

describe('correspondence controller', () => {
  it('asks for full-resolution maps, one pass per noise sample, cached; a click finds the shifted point', async () => {
    const { store, engine, c } = setup();
    store.getState().setCorrespondence({ warp: { dx: 2, dy: 1, scale: 1, rotate: 0 }, samples: 3 });
    c.start();
    await until(() => store.getState().correspondence.status === 'ready');
    expect(engine.calls.map((k) => [k.req.seed, k.req.pool, k.req.blocks, k.items.length])).toEqual(
      [
        [4, 0, [2], 2],
        [5, 0, [2], 2],
        [6, 0, [2], 2],
      ],
    );
    expect(engine.calls[0]!.opts).toMatchObject({ batchSize: 2, cacheFull: true, useCache: true });
    expect(engine.calls[0]!.items[1]!.id).toBe('test/a/0.png|warp(2,1,1,0)');
    c.probe(3, 4);
    const m = store.getState().correspondence.match!;
    expect(m.best).toMatchObject({ x: 5, y: 5 });
    expect(m.best.value).toBeCloseTo(1, 5);
    expect(m.truth).toEqual([5, 5]);
    expect(m.sim).toHaveLength(S * S);
  });

  it('a change of block asks again and redraws the match at the same point; no noise takes one pass', async () => {
    const { store, engine, c } = setup();
    store.getState().setCorrespondence({ samples: 4 });
    c.start();
    c.probe(6, 2);
    await until(() => store.getState().correspondence.match !== null);
    const first = store.getState().correspondence.match!;
    store.getState().select({ block: 1, noise: 'none' });
    await until(() => store.getState().correspondence.match !== first);
    const again = store.getState().correspondence.match!;
    expect(JSON.parse(again.key)[1]).toBe(1);
    expect(again.point).toEqual([6, 2]);
    // 4 samples with noise, then 1 without.
    expect(engine.calls.map((k) => k.req.blocks[0])).toEqual([2, 2, 2, 2, 1]);
  });
});

describe('pairMaps', () => {
  it('averages each image’s maps over the noise samples', async () => {
    const engine = {
      async extract(items: FeatureItem[], req: FeatureRequest, onBatch: (b: FeatureBatch) => void) {
        const data = new Float32Array(2 * 4);
        data.fill(req.seed, 0, 4);
        data.fill(req.seed + 10, 4, 8);
        onBatch({
          offset: 0,
          ids: items.map((i) => i.id),
          blocks: { 3: { data, dims: [2, 1, 2, 2] } },
        });
        return { count: 2, ms: 1, fromCache: 0, computed: 2, forwardCalls: 1 };
      },
    };
    const x0 = new Float32Array(4);
    const got = await pairMaps(
      engine,
      [
        { id: 'a', x0 },
        { id: 'b', x0 },
      ],
      { t: 5, blocks: [3], seed: 5, noise: 'seeded' },
      3,
      { cache: false },
    );
    expect([...got.get(3)!.src]).toEqual([6, 6, 6, 6]);
    expect([...got.get(3)!.tgt]).toEqual([16, 16, 16, 16]);
  });
});

describe('blockGroups', () => {
  it('fills groups from the deepest block down within the budget', () => {
    const blocks = [1, 2, 3, 4].map((index) => ({ index, bytes: 10 }));
    expect(blockGroups(blocks, 25)).toEqual([
      [4, 3],
      [2, 1],
    ]);
    expect(blockGroups(blocks, 1000)).toEqual([[4, 3, 2, 1]]);
  });
});
