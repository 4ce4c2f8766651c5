import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { extract, parseExtractArgs } from '../cli/commands/extract';
import type { FeatureItem } from '../src/core/features/batch';
import { decodePng, encodePng } from '../src/core/image/png';
import { prepareImage } from '../src/core/image/prepare';
import type { ModelManifest } from '../src/core/manifest/types';
import { parseNpy } from '../src/core/npy';
import { pruneToOutputs } from '../src/core/onnx/edit';
import { makeSchedule } from '../src/core/schedule';
import type { FeatureBatch } from '../src/protocol/model';
import type { LoadedBackend } from '../workers/ort/backend';
import { ModelRuntime } from '../workers/ort/modelRuntime';
import type { FeatureCache } from '../workers/shared/featureCache';
import { loadEncoder } from '../workers/unet/encoder';
import { runExtract } from '../workers/unet/extractJob';
import type { LoadedDiffusion } from '../workers/unet/types';

/** The latent pair (tools/ latent_pair.py): encoder 32×32 RGB → 4×16×16, a U-Net on it. */
const PAIR = new URL('./fixtures/latent-pair/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(PAIR, 'manifest.json'), 'utf8')) as ModelManifest;
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-latent-app-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const backend = {
  ort,
  info: { backend: 'cpu', reason: 'test', shaderF16: false, threads: 1 },
} as unknown as LoadedBackend;

describe('a latent model in the worker and in the CLI', () => {
  it("the worker's extraction through the encoder equals `diffprobe extract`", async () => {
    const files = ['a/0.png', 'a/1.png', 'b/2.png'];
    for (const [k, f] of files.entries()) {
      mkdirSync(join(tmp, 'imgs', f, '..'), { recursive: true });
      const px = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * (k + 3) * 37) % 256);
      writeFileSync(join(tmp, 'imgs', f), encodePng(px, 32, 32, 3));
    }
    const out = join(tmp, 'cli');
    await extract(
      parseExtractArgs([
        ...['--model', PAIR, '--images', join(tmp, 'imgs'), '--t', '200', '--seed', '5'],
        ...['--blocks', '2,7,12', '--pool', '2', '--out', out],
      ]),
    );

    const bytes = new Uint8Array(readFileSync(join(PAIR, 'model.onnx')));
    const outputs = ['eps', ...manifest.blocks.map((b) => b.output)];
    const m = {
      runtime: new ModelRuntime(backend, bytes, outputs, pruneToOutputs, 'batch'),
      summary: { sha256: manifest.sha256 },
      schedule: makeSchedule(manifest.schedule!),
      manifest,
      encoder: await loadEncoder(
        backend,
        new Uint8Array(readFileSync(join(PAIR, 'encoder.onnx'))),
        manifest.encoder!,
        manifest.image,
      ),
    } as unknown as LoadedDiffusion;
    const items: FeatureItem[] = files.map((f) => ({
      id: f,
      x0: prepareImage(decodePng(new Uint8Array(readFileSync(join(tmp, 'imgs', f)))), {
        size: 32,
        channels: 3,
        mode: 'crop',
      }),
    }));
    const batches: FeatureBatch[] = [];
    await runExtract(
      m,
      {} as FeatureCache,
      items,
      { t: 200, blocks: [2, 7, 12], pool: 2, seed: 5, noise: 'seeded' },
      (b) => batches.push(b),
      () => undefined,
      { batchSize: 2, useCache: false },
      new AbortController().signal,
    );
    for (const b of [2, 7, 12]) {
      const cli = parseNpy(new Uint8Array(readFileSync(join(out, `block_${b}.npy`))));
      const app = batches.flatMap((x) => [...x.blocks[b]!.data]);
      expect(cli.shape).toEqual([3, 8, 2, 2]);
      expect(app.length).toBe(cli.data.length);
      let worst = 0;
      for (let i = 0; i < app.length; i++) {
        worst = Math.max(worst, Math.abs(app[i]! - Number(cli.data[i])));
      }
      expect(worst).toBeLessThan(1e-5);
    }
    await m.runtime.release();
    await m.encoder!.runtime.release();
  });
});
