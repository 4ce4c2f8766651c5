import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../scripts/chromium-path.mjs';
import type { ConsoleApi } from '../src/engine/consoleApi';
import type { BackendPreference } from '../src/protocol/model';

export interface PageTiming {
  runtime: string;
  batch: number;
  outputs: number;
  msPerBatch: number;
  imagesPerSecond: number;
}

/** Times engine.run on random inputs inside the page (the real worker and onnxruntime-web). */
export async function timeInPage(
  page: Page,
  args: {
    preference: BackendPreference;
    model: string;
    outputs: string[];
    batch: number;
    warmup: number;
    seconds: number;
  },
): Promise<PageTiming> {
  return page.evaluate(async ({ preference, model, outputs, batch, warmup, seconds }) => {
    const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
    const engine = api.createEngine(preference);
    try {
      const info = await engine.backend();
      await engine.load({ kind: 'folder', base: model });
      const x = new Float32Array(batch * 1024);
      for (let i = 0; i < x.length; i++) x[i] = Math.sin(i) * 0.9;
      const feeds = {
        x: { data: x, dims: [batch, 1, 32, 32] },
        t: { data: new Float32Array(batch).fill(90), dims: [batch] },
      };
      for (let i = 0; i < warmup; i++) await engine.run(feeds, outputs);
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < seconds * 1000 || n < 2) {
        await engine.run(feeds, outputs);
        n += 1;
      }
      const ms = (performance.now() - start) / n;
      const runtime =
        info.backend === 'wasm' ? `${info.reason} · ${info.threads} threads` : info.reason;
      return {
        runtime,
        batch,
        outputs: outputs.length,
        msPerBatch: ms,
        imagesPerSecond: (batch * 1000) / ms,
      };
    } finally {
      engine.dispose();
    }
  }, args);
}

/** Cold start: a new worker, the runtime, the model download and compile, one feature map. */
export async function coldStartInPage(
  page: Page,
  args: { preference: BackendPreference; model: string; block: number },
): Promise<{ runtime: string; ms: number }> {
  return page.evaluate(async ({ preference, model, block }) => {
    const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
    const start = performance.now();
    const engine = api.createEngine(preference);
    try {
      const info = await engine.backend();
      await engine.load({ kind: 'folder', base: model });
      await engine.extract(
        [{ id: `cold-${Math.random()}`, x0: new Float32Array(1024) }],
        { t: 90, blocks: [block], pool: 0, seed: 0, noise: 'seeded' },
        () => undefined,
        { useCache: false },
      );
      return { runtime: info.reason, ms: performance.now() - start };
    } finally {
      engine.dispose();
    }
  }, args);
}

/** Times engine.extract (noise, forward, pooling in the graph) without the feature cache. */
export async function timeExtractInPage(
  page: Page,
  args: {
    preference: BackendPreference;
    model: string;
    blocks: number[];
    pool: number;
    batch: number;
    seconds: number;
  },
): Promise<PageTiming> {
  return page.evaluate(async ({ preference, model, blocks, pool, batch, seconds }) => {
    const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
    const engine = api.createEngine(preference);
    try {
      const info = await engine.backend();
      await engine.load({ kind: 'folder', base: model });
      const items = Array.from({ length: batch }, (_, i) => ({
        id: `bench-${i}`,
        x0: Float32Array.from({ length: 1024 }, (_, k) => Math.sin(k + i) * 0.9),
      }));
      const req = { t: 90, blocks, pool, seed: 0, noise: 'seeded' as const };
      // No named closures here: the bench's TypeScript loader would wrap them in a helper that
      // does not exist in the page.
      for (let i = 0; i < 2; i++)
        await engine.extract(items, req, () => undefined, { useCache: false });
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < seconds * 1000 || n < 2) {
        await engine.extract(items, req, () => undefined, { useCache: false });
        n += 1;
      }
      const ms = (performance.now() - start) / n;
      return {
        runtime: `${info.reason} · ${info.threads} threads`,
        batch,
        outputs: blocks.length,
        msPerBatch: ms,
        imagesPerSecond: (batch * 1000) / ms,
      };
    } finally {
      engine.dispose();
    }
  }, args);
}

/** A headless Chromium without WebGPU, so the app runs the U-Net on WASM (the laptop case). */
export function launchWasmChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS, '--disable-features=WebGPU,Vulkan', '--disable-gpu'],
  });
}
