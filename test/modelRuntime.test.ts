import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../src/core/manifest/types';
import { pruneToOutputs } from '../src/core/onnx/edit';
import { adaptiveAvgPool2d } from '../src/core/pool';
import type { LoadedBackend } from '../workers/ort/backend';
import { ModelRuntime } from '../workers/ort/modelRuntime';
import { MODEL_DIR } from './fixtures';

const bytes = new Uint8Array(readFileSync(`${MODEL_DIR}/model.onnx`));
const manifest = JSON.parse(readFileSync(`${MODEL_DIR}/manifest.json`, 'utf8')) as ModelManifest;

/** The worker's ModelRuntime, run on onnxruntime-node's CPU provider (same API as ORT-web). */
function runtime(): ModelRuntime {
  const backend = {
    ort,
    info: { backend: 'cpu', reason: 'test', shaderF16: false, threads: 1 },
  } as unknown as LoadedBackend;
  const outputs = ['eps', ...manifest.blocks.map((b) => b.output)];
  return new ModelRuntime(backend, bytes, outputs, pruneToOutputs, 'batch');
}

describe('ModelRuntime with graph pooling', () => {
  it('returns pooled block outputs from the graph, equal to pooling the full maps', async () => {
    const rt = runtime();
    const blocks = [manifest.blocks[0]!, manifest.blocks[9]!];
    const outputs = blocks.map((b) => b.output);
    const targets = blocks.map((b) => ({ name: b.output, height: b.height, width: b.width }));
    const x = new Float32Array(3 * 1024).map((_, i) => Math.cos(i * 0.11) * 0.8);
    const feeds = {
      x: { data: x, dims: [3, 1, 32, 32] },
      t: { data: new Float32Array([10, 90, 500]), dims: [3] },
    };
    const full = await rt.forward(feeds, outputs);
    const pooled = await rt.forward(feeds, outputs, { size: 4, targets });
    for (const b of blocks) {
      const p = pooled[b.output]!;
      const f = full[b.output]!;
      expect(f.pooled).toBeUndefined();
      expect(p.pooled).toBe(4);
      expect(p.dims).toEqual([3, b.channels, 4, 4]);
      const ref = adaptiveAvgPool2d(f.data, f.dims as [number, number, number, number], 4);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(p.data[i]! - ref[i]!));
      expect(worst).toBeLessThan(1e-5);
    }
    // Block 10 is 8×8: p = 3 does not divide it, so it comes back full-size for the CPU to pool.
    const odd = await rt.forward(feeds, [blocks[1]!.output], { size: 3, targets });
    expect(odd[blocks[1]!.output]!.pooled).toBeUndefined();
    expect(odd[blocks[1]!.output]!.dims).toEqual([3, blocks[1]!.channels, 8, 8]);
    await rt.release();
  });

  it('runs a cut that does not read every input (block 1 does not depend on t)', async () => {
    const rt = runtime();
    const b1 = manifest.blocks[0]!;
    const out = await rt.forward(
      {
        x: { data: new Float32Array(1024).fill(0.5), dims: [1, 1, 32, 32] },
        t: { data: new Float32Array([90]), dims: [1] },
      },
      [b1.output],
    );
    expect(out[b1.output]!.dims).toEqual([1, b1.channels, 32, 32]);
    await rt.release();
  });
});
