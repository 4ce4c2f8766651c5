/**
 * A conditional model's extract speed next to the unconditional one: the same tiny U-Net
 * (test/condUnet.ts, 32×32 grey) with a class input and a context input [2, 3], and with both
 * as constants inside the graph (the same work, fed only x and t).
 * Feeding the conditioning should cost nothing measurable.
 */
import type { Page } from 'playwright-core';
import type { ConsoleApi } from '../src/engine/consoleApi';
import { condManifest, condModel } from '../test/condUnet';
import type { BenchSection, SectionRow } from './sections';

const SIZE = 32;
const BATCH = 16;

function files(conditional: boolean): { name: string; bytes: number[] }[] {
  // Unconditional: the same graph with the class and the context as constants inside it.
  const opts = { size: SIZE, constants: !conditional };
  const bytes = condModel(opts);
  const manifest = condManifest(bytes, opts, conditional ? 'bench-cond' : 'bench-uncond');
  return [
    { name: 'model.onnx', bytes: Array.from(bytes) },
    {
      name: 'manifest.json',
      bytes: Array.from(new TextEncoder().encode(JSON.stringify(manifest))),
    },
  ];
}

async function timeInPage(
  page: Page,
  args: {
    files: { name: string; bytes: number[] }[];
    conditional: boolean;
    seconds: number;
    batch: number;
  },
): Promise<{ runtime: string; imagesPerSecond: number }> {
  return page.evaluate(async ({ files, conditional, seconds, batch }) => {
    const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
    const engine = api.createEngine('wasm');
    try {
      const info = await engine.backend();
      await engine.load({
        kind: 'files',
        files: files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes).buffer })),
      });
      // Class 3 for every image and a context of ones: the app's class picker and .npy.
      const cond = conditional
        ? [
            {
              kind: 'class' as const,
              name: 'y',
              dtype: 'int64' as const,
              classes: 10,
              id: 3,
              ownLabel: false,
            },
            {
              kind: 'context' as const,
              name: 'ctx',
              shape: [2, 3] as [number, number],
              source: {
                kind: 'file' as const,
                file: 'ones.npy',
                data: new Float32Array(6).fill(1),
                digest: 'bench',
              },
            },
          ]
        : [];
      engine.conditioning = () => cond;
      const items = Array.from({ length: batch }, (_, i) => ({
        id: `bench-${i}`,
        x0: Float32Array.from({ length: 1024 }, (_, k) => Math.sin(k + i) * 0.9),
      }));
      const req = { t: 90, blocks: [1, 2, 3, 4], pool: 2, seed: 0, noise: 'seeded' as const };
      for (let i = 0; i < 3; i++)
        await engine.extract(items, req, () => undefined, { useCache: false });
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < seconds * 1000 || n < 3) {
        await engine.extract(items, req, () => undefined, { useCache: false });
        n += 1;
      }
      const ms = (performance.now() - start) / n;
      return {
        runtime: `${info.reason} · ${info.threads} threads`,
        imagesPerSecond: (batch * 1000) / ms,
      };
    } finally {
      engine.dispose();
    }
  }, args);
}

export const conditioningSection: BenchSection = {
  name: 'conditioning',
  async run({ browser, base, quick }) {
    const page = await browser.newPage();
    const rows: SectionRow[] = [];
    try {
      await page.goto(base);
      await page.waitForFunction(() => 'diffprobe' in globalThis);
      const seconds = quick ? 1 : 4;
      const best = { cond: 0, uncond: 0 };
      let runtime = '';
      // Alternate the two so that a slow moment of the machine hits both alike.
      for (const conditional of [false, true, false, true]) {
        const r = await timeInPage(page, {
          files: files(conditional),
          conditional,
          seconds,
          batch: BATCH,
        });
        const key = conditional ? 'cond' : 'uncond';
        best[key] = Math.max(best[key], r.imagesPerSecond);
        runtime = r.runtime;
      }
      rows.push(
        {
          case: `extract, unconditional tiny U-Net (x, t; class and context constant in the graph), ${SIZE}×${SIZE}, 4 blocks, pool 2, batch ${BATCH}`,
          runtime,
          value: best.uncond,
          unit: 'img/s',
          note: 'best of 2 runs',
        },
        {
          case: 'extract, conditional tiny U-Net (x, t, class y, context [2, 3]), same size and request',
          runtime,
          value: best.cond,
          unit: 'img/s',
          note: 'best of 2 runs; class 3 for every image, a loaded context',
        },
        {
          case: 'conditioning cost per batch (conditional − unconditional time)',
          runtime,
          value: (BATCH * 1000) / best.cond - (BATCH * 1000) / best.uncond,
          unit: 'ms',
          note: 'two more inputs to copy and the few nodes that read them (folded away as constants)',
        },
      );
      return {
        rows,
        goals: { 'conditional / unconditional extract speed': best.cond / best.uncond },
      };
    } finally {
      await page.close();
    }
  },
};
