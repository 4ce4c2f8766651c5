import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError } from '../src/core/compare';
import type { ConsoleApi } from '../src/engine/consoleApi';
import { fixture } from '../test/fixtures';
import { launch, openApp } from './support/browser';
import { expectBlocksMatchPyTorch, fixtureXt, parity } from './support/parity';

const MODEL = 'models/fmnist-adm-s/';

interface ParityArgs {
  backend: 'wasm' | 'webgpu';
  model: string;
  t: number;
  xt: number[];
  outputs: string[];
}

/** Runs the real engine (worker + onnxruntime-web) in the page; returns each output pooled 2×2. */
async function runInPage(page: Page, args: ParityArgs) {
  return page.evaluate(async ({ backend, model, t, xt, outputs }) => {
    const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
    const engine = api.createEngine(backend);
    try {
      const info = await engine.backend();
      await engine.load({ kind: 'folder', base: model });
      const n = xt.length / 1024;
      const out = await engine.run(
        {
          x: { data: Float32Array.from(xt), dims: [n, 1, 32, 32] },
          t: { data: new Float32Array(n).fill(t), dims: [n] },
        },
        outputs,
      );
      const pooled: Record<string, number[]> = {};
      for (const name of outputs) {
        const o = out[name]!;
        const dims = o.dims as [number, number, number, number];
        pooled[name] = Array.from(
          name === 'eps' ? o.data : api.core.adaptiveAvgPool2d(o.data, dims, 2),
        );
      }
      return { backend: info.backend, pooled };
    } finally {
      engine.dispose();
    }
  }, args);
}

async function checkParity(page: Page, backend: 'wasm' | 'webgpu', tol: number, images: number) {
  const t = 90;
  const xt = fixtureXt(t, images);
  const outputs = ['eps', ...parity.pooled2.blocks.map((b) => b.output)];
  const result = await runInPage(page, { backend, model: MODEL, t, xt, outputs });
  expect(result.backend).toBe(backend);
  const eps = fixture(`eps_t${t}.npy`).data.subarray(0, images * 1024);
  expect(maxRelativeError(result.pooled.eps!, eps)).toBeLessThanOrEqual(tol);
  return expectBlocksMatchPyTorch(t, images, tol, backend, (_, output) => result.pooled[output]);
}

describe('feature engine parity with PyTorch (fixtures from tools/)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('WASM: every block of 8 images within 1e-4', async () => {
    const { page, context } = await openApp(browser);
    const worst = await checkParity(page, 'wasm', 1e-4, 8);
    expect(worst).toBeLessThanOrEqual(1e-4);
    await context.close();
  });

  it('WebGPU: every block of 2 images within 1e-3 (software adapter in CI)', async () => {
    const { page, context } = await openApp(browser);
    const worst = await checkParity(page, 'webgpu', 1e-3, 2);
    expect(worst).toBeLessThanOrEqual(1e-3);
    await context.close();
  });

  it('extract streams batches, is deterministic and serves repeats from the cache', async () => {
    const { page, context } = await openApp(browser);
    const x0 = Array.from(fixture('x0.npy').data);
    const result = await page.evaluate(
      async ({ model, x0 }) => {
        const engine = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe.createEngine(
          'wasm',
        );
        await engine.load({ kind: 'folder', base: model });
        await engine.clearCache();
        const items = Array.from({ length: 8 }, (_, i) => ({
          id: `fixture-${i}`,
          x0: Float32Array.from(x0.slice(i * 1024, (i + 1) * 1024)),
        }));
        const req = { t: 90, blocks: [4, 10], pool: 2, seed: 7, noise: 'seeded' as const };
        const collect = async () => {
          const rows: number[][] = [];
          const progress: number[] = [];
          const res = await engine.extract(
            items,
            req,
            (batch) => {
              rows.push(Array.from(batch.blocks[10]!.data));
            },
            { batchSize: 3, onProgress: (p) => progress.push(p.done) },
          );
          return { rows, res, progress };
        };
        const first = await collect();
        const second = await collect();
        const stats = await engine.cacheStats();
        engine.dispose();
        return { first, second, stats };
      },
      { model: MODEL, x0 },
    );
    expect(result.first.rows.length).toBe(3);
    expect(result.first.progress.at(-1)).toBe(8);
    expect(result.first.res.fromCache).toBe(0);
    expect(result.second.res.fromCache).toBe(8);
    expect(result.second.rows).toEqual(result.first.rows);
    expect(result.stats.entries).toBe(16);
    await context.close();
  });

  it('cancels a running extract between batches and keeps the worker for the next job', async () => {
    const { page, context } = await openApp(browser);
    const x0 = Array.from(fixture('x0.npy').data);
    const result = await page.evaluate(
      async ({ model, x0 }) => {
        const engine = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe.createEngine(
          'wasm',
        );
        await engine.load({ kind: 'folder', base: model });
        const items = Array.from({ length: 48 }, (_, i) => ({
          id: `cancel-${i}`,
          x0: Float32Array.from(x0.slice((i % 8) * 1024, ((i % 8) + 1) * 1024)),
        }));
        const req = { t: 50, blocks: [19], pool: 1, seed: 0, noise: 'seeded' as const };
        const controller = new AbortController();
        let batches = 0;
        let error = '';
        try {
          await engine.extract(
            items,
            req,
            () => {
              batches += 1;
              if (batches === 1) controller.abort();
            },
            { batchSize: 2, useCache: false, signal: controller.signal },
          );
        } catch (err) {
          error = (err as Error).name;
        }
        const startsAfterCancel = engine.bridge.starts;
        const again = await engine.extract(items.slice(0, 2), req, () => undefined, {
          useCache: false,
        });
        const starts = engine.bridge.starts;
        engine.dispose();
        return { error, batches, again: again.count, startsAfterCancel, starts };
      },
      { model: MODEL, x0 },
    );
    expect(result.error).toBe('JobCancelledError');
    expect(result.batches).toBeLessThan(24);
    expect(result.again).toBe(2);
    expect(result.startsAfterCancel).toBe(1);
    expect(result.starts).toBe(1);
    await context.close();
  });

  it('keeps cached features across a reload, and the UI shows and clears them', async () => {
    const { page, context } = await openApp(browser);
    await page.evaluate(async (model) => {
      const engine = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe.createEngine(
        'wasm',
      );
      await engine.load({ kind: 'folder', base: model });
      await engine.clearCache();
      const items = Array.from({ length: 4 }, (_, i) => ({
        id: `ui-${i}`,
        x0: new Float32Array(1024).fill(i / 4),
      }));
      await engine.extract(
        items,
        { t: 10, blocks: [2, 3, 12], pool: 1, seed: 0, noise: 'seeded' },
        () => undefined,
      );
      engine.dispose();
    }, MODEL);
    await page.reload();
    await page.getByRole('tab', { name: 'System check' }).click();
    await expect
      .poll(() => page.getByTestId('cache-stats').textContent())
      .toMatch(/^12 entries · /);
    await page.getByRole('button', { name: 'Clear feature cache' }).click();
    await expect.poll(() => page.getByTestId('cache-stats').textContent()).toMatch(/^0 entries · /);
    await context.close();
  });

  it('samples with DDIM, streaming every step, deterministically', async () => {
    const { page, context } = await openApp(browser);
    const r = await page.evaluate(async (model) => {
      const engine = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe.createEngine(
        'wasm',
      );
      await engine.load({ kind: 'folder', base: model });
      const steps: number[] = [];
      const first = await engine.sample({ n: 2, steps: 4, seed: 5 }, (s) => steps.push(s.t));
      const again = await engine.sample({ n: 2, steps: 4, seed: 5 }, () => undefined);
      engine.dispose();
      const data = Array.from(first.data);
      return {
        steps,
        dims: first.dims,
        same: data.every((v, i) => v === again.data[i]),
        min: Math.min(...data),
        max: Math.max(...data),
      };
    }, MODEL);
    expect(r.steps).toEqual([999, 666, 333, 0]);
    expect(r.dims).toEqual([2, 1, 32, 32]);
    expect(r.same).toBe(true);
    // The last DDIM step returns the clamped x0 prediction.
    expect(r.min).toBeGreaterThanOrEqual(-1);
    expect(r.max).toBeLessThanOrEqual(1);
    await context.close();
  });
});
