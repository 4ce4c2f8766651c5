import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleApi } from '../src/engine/consoleApi';
import { launch, openApp } from './support/browser';
import { expectBlocksMatchPyTorch, fixtureXt, parity } from './support/parity';

const MODEL = 'models/fmnist-adm-s/';
const T = 90;

/**
 * extract() pools block outputs inside the graph (AveragePool where p divides the map), on the
 * GPU with WebGPU. Fed the fixtures' x_t as clean images (noise 'none') at the same t, its
 * pooled features must equal PyTorch's.
 */
async function extractPooled(page: Page, backend: 'wasm' | 'webgpu', images: number) {
  const xt = fixtureXt(T, images);
  const blocks = parity.pooled2.blocks.map((b) => b.block);
  return page.evaluate(
    async ({ backend, model, xt, blocks, t, images }) => {
      const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
      const engine = api.createEngine(backend);
      try {
        const info = await engine.backend();
        await engine.load({ kind: 'folder', base: model });
        const items = Array.from({ length: images }, (_, i) => ({
          id: `pool-check-${i}`,
          x0: Float32Array.from(xt.slice(i * 1024, (i + 1) * 1024)),
        }));
        const got: Record<number, number[]> = {};
        await engine.extract(
          items,
          { t, blocks, pool: 2, seed: 0, noise: 'none' },
          (batch) => {
            for (const [b, tensor] of Object.entries(batch.blocks)) {
              (got[Number(b)] ??= []).push(...Array.from(tensor.data));
            }
          },
          { useCache: false, batchSize: images },
        );
        return { backend: info.backend, got };
      } finally {
        engine.dispose();
      }
    },
    { backend, model: MODEL, xt, blocks, t: T, images },
  );
}

async function check(page: Page, backend: 'wasm' | 'webgpu', images: number, tol: number) {
  const result = await extractPooled(page, backend, images);
  expect(result.backend).toBe(backend);
  expectBlocksMatchPyTorch(T, images, tol, backend, (block) => result.got[block]);
}

describe('extract pools in the graph and still matches PyTorch', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('WASM: every block, 4 images, pool 2, within 1e-4', async () => {
    const { page, context } = await openApp(browser);
    await check(page, 'wasm', 4, 1e-4);
    await context.close();
  });

  it('WebGPU: every block, 1 image, pool 2 on the GPU, within 1e-3', async () => {
    const { page, context } = await openApp(browser);
    await check(page, 'webgpu', 1, 1e-3);
    await context.close();
  });
});
