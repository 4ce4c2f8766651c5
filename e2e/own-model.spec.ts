import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleApi } from '../src/engine/consoleApi';
import { launch, openApp } from './support/browser';

describe('bring your own ONNX U-Net (no manifest)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds the blocks from the graph, and refuses broken or non-U-Net files without losing the model', async () => {
    const { page, context } = await openApp(browser);
    const r = await page.evaluate(async () => {
      const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
      const engine = api.createEngine('wasm');
      const bytes = new Uint8Array(
        await (await fetch('/models/fmnist-adm-s/model.onnx')).arrayBuffer(),
      );
      const reference = await (await fetch('/models/fmnist-adm-s/manifest.json')).json();
      // A plain export: only the predicted noise is a graph output.
      const plain = api.core.onnx.withOutputs(bytes, ['eps']);
      const summary = await engine.load({
        kind: 'files',
        files: [{ name: 'my-unet.onnx', bytes: plain.buffer.slice(0) as ArrayBuffer }],
      });
      const item = { id: 'probe', x0: new Float32Array(1024).fill(0.25) };
      const req = { t: 90, blocks: [10], pool: 2, seed: 3, noise: 'seeded' as const };
      const grab = async () => {
        let out: number[] = [];
        await engine.extract(
          [item],
          req,
          (b) => {
            out = Array.from(b.blocks[10]!.data);
          },
          { useCache: false },
        );
        return out;
      };
      const mine = await grab();
      const failures: string[] = [];
      const names: string[] = [];
      const tryLoad = async (name: string, data: Uint8Array) => {
        try {
          await engine.load({
            kind: 'files',
            files: [{ name, bytes: data.buffer.slice(0) as ArrayBuffer }],
          });
          failures.push(`${name}: loaded`);
        } catch (err) {
          failures.push(`${name}: ${(err as Error).message}`);
          names.push((err as Error).name);
        }
      };
      await tryLoad(
        'broken.onnx',
        Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251),
      );
      await tryLoad(
        'tiny.onnx',
        new Uint8Array(await (await fetch('/selftest/model.onnx')).arrayBuffer()),
      );
      const afterFailures = await grab();
      await engine.load({ kind: 'folder', base: '/models/fmnist-adm-s/' });
      const shipped = await grab();
      engine.dispose();
      return {
        synthesized: summary.synthesized,
        blocks: summary.manifest!.blocks.map((b) => [b.index, b.stage, b.channels, b.height]),
        referenceBlocks: reference.blocks.map(
          (b: { index: number; stage: string; channels: number; height: number }) => [
            b.index,
            b.stage,
            b.channels,
            b.height,
          ],
        ),
        schedule: summary.manifest!.schedule,
        mine,
        afterFailures,
        shipped,
        failures,
        names,
      };
    });
    expect(r.synthesized).toBe(true);
    expect(r.blocks).toEqual(r.referenceBlocks);
    expect(r.schedule).toEqual({ kind: 'linear', T: 1000, betaStart: 0.0001, betaEnd: 0.02 });
    expect(r.mine.length).toBe(64 * 4);
    expect(r.mine).toEqual(r.shipped);
    expect(r.failures[0]).toMatch(/^broken\.onnx: broken\.onnx is not a readable ONNX model/);
    expect(r.failures[1]).toMatch(/^tiny\.onnx: tiny\.onnx: .*diffusion U-Net/);
    // The worker's failure arrives on the main thread as its typed error.
    expect(r.names).toEqual(['ModelLoadError', 'ModelLoadError']);
    // Nothing loaded before is lost.
    expect(r.afterFailures).toEqual(r.mine);
    await context.close();
  });
});
