import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleApi } from '../src/engine/consoleApi';
import { launch, openApp } from './support/browser';

/**
 * The paper's model, as a user who converted it with `convert-guided-diffusion` opens it: the
 * converter's own output for a 4-channel 64×64 copy of ADM-256 (37 blocks, float16 weights in
 * model.onnx.data), picked as files.
 */
const DIR = 'test/fixtures/guided-tiny';
const FILES = ['manifest.json', 'model.onnx', 'model.onnx.data'];
const picked = FILES.map((name) => ({
  name,
  base64: readFileSync(`${DIR}/${name}`).toString('base64'),
}));
interface RefOut {
  shape: number[];
  mean: number;
  absMean: number;
  first: number[];
}
const reference = JSON.parse(readFileSync(`${DIR}/reference.json`, 'utf8')) as {
  outputs: Record<string, RefOut>;
};
const CHECKED = ['eps', 'block_1', 'block_18', 'block_19', 'block_24', 'block_37'];

type Picked = typeof picked;

/** Picked files with the weights file dropped, or with one byte of it changed. */
const withoutData = picked.filter((f) => f.name !== 'model.onnx.data');
const corrupted = picked.map((f) => {
  if (f.name !== 'model.onnx.data') return f;
  const b = Buffer.from(f.base64, 'base64');
  b[1000] = b[1000]! ^ 1;
  return { name: f.name, base64: b.toString('base64') };
});

/** In the page: load the picked files, run the reference input, extract block 24, then try
 * broken picks and check the model is still there. */
async function loadInPage(page: Page, preference: 'wasm' | 'webgpu', checked: string[]) {
  return page.evaluate(
    async ({ preference, files, broken, checked }) => {
      const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
      const asFiles = (list: typeof files) =>
        list.map((f) => ({
          name: f.name,
          bytes: Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)).buffer as ArrayBuffer,
        }));
      const engine = api.createEngine(preference);
      const attempt = async (list: typeof files) => {
        try {
          await engine.load({ kind: 'files', files: asFiles(list) });
          return { name: 'loaded', message: '' };
        } catch (err) {
          return { name: (err as Error).name, message: (err as Error).message };
        }
      };
      const info = await engine.backend();
      const summary = await engine.load({ kind: 'files', files: asFiles(files) });
      // The reference input: 0.9·sin(0.3·i + 0.17·j + c), 3 × 64 × 64, t = 90.
      const x = new Float32Array(3 * 64 * 64);
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < 64; i++)
          for (let j = 0; j < 64; j++)
            x[c * 4096 + i * 64 + j] = 0.9 * Math.sin(0.3 * i + 0.17 * j + c);
      const feeds = {
        x: { data: x, dims: [1, 3, 64, 64] },
        t: { data: new Float32Array([90]), dims: [1] },
      };
      const out = await engine.run(feeds, checked);
      const stats: Record<string, { dims: number[]; mean: number; first: number[] }> = {};
      for (const name of checked) {
        const t = out[name]!;
        let sum = 0;
        for (const v of t.data) sum += v;
        stats[name] = {
          dims: [...t.dims],
          mean: sum / t.data.length,
          first: Array.from(t.data.slice(0, 4)),
        };
      }
      // The feature path by the paper's block number: block 24, pooled 1×1.
      let pooled: number[] = [];
      await engine.extract(
        [{ id: 'probe', x0: x }],
        { t: 90, blocks: [24], pool: 1, seed: 1, noise: 'seeded' },
        (b) => {
          pooled = Array.from(b.blocks[24]!.data);
        },
        { useCache: false },
      );
      const drop = await attempt(broken.drop);
      const corrupt = await attempt(broken.corrupt);
      const after = await engine.run(feeds, ['block_24']);
      engine.dispose();
      return { info, summary, stats, pooled, drop, corrupt, stillLoaded: after.block_24!.dims };
    },
    { preference, files: picked, broken: { drop: withoutData, corrupt: corrupted }, checked },
  );
}

function patchedManifest(patch: (m: Record<string, unknown>) => void): Picked {
  return picked.map((f) => {
    if (f.name !== 'manifest.json') return f;
    const m = JSON.parse(Buffer.from(f.base64, 'base64').toString('utf8')) as Record<
      string,
      unknown
    >;
    patch(m);
    return { name: f.name, base64: Buffer.from(JSON.stringify(m)).toString('base64') };
  });
}

async function refusal(page: Page, preference: 'wasm' | 'webgpu', files: Picked) {
  return page.evaluate(
    async ({ preference, files }) => {
      const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
      const engine = api.createEngine(preference);
      const info = await engine.backend();
      try {
        await engine.load({
          kind: 'files',
          files: files.map((f) => ({
            name: f.name,
            bytes: Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)).buffer as ArrayBuffer,
          })),
        });
        return { info, name: 'loaded', message: '' };
      } catch (err) {
        return { info, name: (err as Error).name, message: (err as Error).message };
      } finally {
        engine.dispose();
      }
    },
    { preference, files },
  );
}

function expectReference(stats: Record<string, { dims: number[]; mean: number; first: number[] }>) {
  for (const name of CHECKED) {
    const ref = reference.outputs[name]!;
    const got = stats[name]!;
    expect(got.dims, name).toEqual(ref.shape);
    const scale = Math.max(ref.absMean, 1e-6);
    expect(Math.abs(got.mean - ref.mean) / scale, name).toBeLessThan(1e-2);
    got.first.forEach((v, i) =>
      expect(Math.abs(v - ref.first[i]!) / scale, name).toBeLessThan(2e-2),
    );
  }
}

describe("the paper's model, converted from guided-diffusion", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens from picked files (graph, external weights, manifest) on WASM with the paper numbering', async () => {
    const { page, context, errors } = await openApp(browser);
    const r = await loadInPage(page, 'wasm', CHECKED);
    expect(r.info.backend).toBe('wasm');
    const m = r.summary.manifest!;
    expect(m.blocks).toHaveLength(37);
    expect(m.externalData?.[0]?.file).toBe('model.onnx.data');
    expect(m.blocks[23]).toMatchObject({
      index: 24,
      stage: 'decoder',
      output: 'block_24',
      mirror: 14,
    });
    expect(r.summary.outputNames).toEqual([
      'eps',
      ...Array.from({ length: 37 }, (_, i) => `block_${i + 1}`),
    ]);
    expect(r.summary.warnings).toEqual([]); // a tiny model: nothing to warn about
    expectReference(r.stats);
    expect(r.pooled).toHaveLength(16); // block 24: 16 channels, pool 1
    expect(r.pooled.every(Number.isFinite)).toBe(true);
    expect(r.drop.name).not.toBe('loaded');
    expect(r.drop.name).toBe('ModelLoadError');
    expect(r.drop.message).toContain(
      'model.onnx.data (listed in manifest.json), which was not picked',
    );
    expect(r.corrupt.name).toBe('ModelIntegrityError');
    expect(r.corrupt.message).toContain('model.onnx.data does not match its manifest');
    expect(r.stillLoaded).toEqual([1, 16, 4, 4]); // nothing lost by the refusals
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses a model too large for WASM memory, and warns how slow a big one will be', async () => {
    const { page, context } = await openApp(browser);
    const huge = await refusal(
      page,
      'wasm',
      patchedManifest((m) => {
        m.parameters = 1_500_000_000;
      }),
    );
    expect(huge.name).toBe('ModelLoadError');
    expect(huge.message).toMatch(/too large for the WASM runtime: it needs about \d+\.\d GB/);
    const slow = await loadWarnings(
      page,
      patchedManifest((m) => {
        m.flops = 2_239_665_537_024; // ADM-256's forward pass
      }),
    );
    expect(
      slow.some((w) => /^Running on WASM \(no WebGPU\): about \d+ (s|min) per image/.test(w)),
    ).toBe(true);
    await context.close();
  });
});

async function loadWarnings(page: Page, files: Picked): Promise<string[]> {
  return page.evaluate(async (files) => {
    const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
    const engine = api.createEngine('wasm');
    try {
      const s = await engine.load({
        kind: 'files',
        files: files.map((f) => ({
          name: f.name,
          bytes: Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)).buffer as ArrayBuffer,
        })),
      });
      return s.warnings;
    } finally {
      engine.dispose();
    }
  }, files);
}

describe("the paper's model on WebGPU (Chromium's software adapter)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('refuses a model whose tensors exceed the adapter limits, and runs float16 weights', async () => {
    const { page, context } = await openApp(browser);
    const huge = await refusal(
      page,
      'webgpu',
      patchedManifest((m) => {
        const blocks = m.blocks as { channels: number; height: number; width: number }[];
        for (const b of blocks) {
          b.channels *= 64; // the deepest level's 1024 channels …
          b.height *= 64; // … at 4096 × 4096
          b.width *= 64;
        }
      }),
    );
    // Chromium always has its software adapter here (--enable-unsafe-webgpu): no adapter is a
    // failure, not a reason to skip.
    expect(huge.info.backend, `no WebGPU adapter: ${huge.info.reason}`).toBe('webgpu');
    expect(huge.name).toBe('ModelLoadError');
    expect(huge.message).toContain('This GPU cannot hold the model');
    expect(huge.message).toMatch(
      /(maxStorageBufferBindingSize|maxBufferSize) \d+(\.\d)? (MB|GB)\)/,
    );
    const r = await loadInPage(page, 'webgpu', CHECKED);
    expect(r.info.backend).toBe('webgpu');
    console.info(`WebGPU adapter: ${r.info.adapter}; shader-f16: ${r.info.shaderF16}`);
    expectReference(r.stats);
    await context.close();
  });
});
