import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../compare';
import type { ModelManifest } from '../manifest/types';
import { adaptiveAvgPool2d } from '../pool';
import { buildModel } from './build';
import { pruneToOutputs } from './edit';
import { parseModel } from './model';
import { pooledName, poolsInGraph, withPooledOutputs } from './poolOutputs';

const DIR = new URL('../../../public/models/fmnist-adm-s/', import.meta.url);
const modelBytes = new Uint8Array(readFileSync(new URL('model.onnx', DIR)));
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as ModelManifest;

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, outputs: string[]) {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  try {
    return await session.run(feeds, outputs);
  } finally {
    await session.release();
  }
}

describe('poolsInGraph', () => {
  it('pools in the graph only where p divides both sides', () => {
    expect(poolsInGraph(32, 32, 2)).toBe(true);
    expect(poolsInGraph(8, 8, 8)).toBe(true);
    expect(poolsInGraph(8, 8, 1)).toBe(true);
    expect(poolsInGraph(7, 7, 2)).toBe(false);
    expect(poolsInGraph(4, 4, 8)).toBe(false);
    expect(poolsInGraph(8, 8, 0)).toBe(false);
  });
});

describe('withPooledOutputs', () => {
  it('matches adaptive average pooling of the full maps on the default model', async () => {
    const blocks = [manifest.blocks[3]!, manifest.blocks[11]!, manifest.blocks[18]!];
    const outputs = blocks.map((b) => b.output);
    const cut = pruneToOutputs(modelBytes, outputs);
    const targets = blocks.map((b) => ({ name: b.output, height: b.height, width: b.width }));
    const x = new Float32Array(2 * 32 * 32).map((_, i) => Math.sin(i * 0.37));
    const feeds = {
      x: new ort.Tensor('float32', x, [2, 1, 32, 32]),
      t: new ort.Tensor('float32', new Float32Array([90, 300]), [2]),
    };
    const full = await run(cut, feeds, outputs);
    for (const pool of [1, 2, 4]) {
      const pooled = withPooledOutputs(cut, outputs, targets, pool);
      const names = outputs.map((o) => pooled.names[o]!);
      expect(names).toEqual(outputs.map((o) => pooledName(o, pool)));
      const got = await run(pooled.bytes, feeds, names);
      for (const [i, name] of outputs.entries()) {
        const f = full[name]!;
        const ref = adaptiveAvgPool2d(
          f.data as Float32Array,
          f.dims as [number, number, number, number],
          pool,
        );
        const g = got[names[i]!]!;
        expect(g.dims).toEqual([2, f.dims[1], pool, pool]);
        expect(maxRelativeError(g.data as Float32Array, ref)).toBeLessThan(1e-5);
      }
    }
  });

  it('keeps an output full-size where p does not divide it, and keeps the order', () => {
    const bytes = buildModel({
      graph: {
        nodes: [
          { opType: 'Relu', inputs: ['x'], outputs: ['a'] },
          { opType: 'Relu', inputs: ['a'], outputs: ['b'] },
        ],
        inputs: [{ name: 'x', shape: ['batch', 3, 6, 6] }],
        outputs: [
          { name: 'a', shape: ['batch', 3, 6, 6] },
          { name: 'b', shape: ['batch', 3, 6, 6] },
        ],
      },
    });
    const out = withPooledOutputs(
      bytes,
      ['b', 'a'],
      [
        { name: 'a', height: 6, width: 6 },
        { name: 'b', height: 6, width: 6 },
      ],
      4,
    );
    expect(out.names).toEqual({ b: 'b', a: 'a' });
    expect(parseModel(out.bytes).graph.outputs.map((o) => o.name)).toEqual(['b', 'a']);
    const two = withPooledOutputs(bytes, ['b'], [{ name: 'b', height: 6, width: 6 }], 3);
    const g = parseModel(two.bytes).graph;
    expect(g.outputs.map((o) => [o.name, o.shape])).toEqual([['b::pool3', ['batch', 3, 3, 3]]]);
    expect(g.nodes.at(-1)!.opType).toBe('AveragePool');
  });

  it('refuses an output the graph does not have', () => {
    const bytes = buildModel({
      graph: {
        nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['a'] }],
        inputs: [{ name: 'x', shape: [1, 1, 2, 2] }],
        outputs: [{ name: 'a', shape: [1, 1, 2, 2] }],
      },
    });
    expect(() => withPooledOutputs(bytes, ['nope'], [], 2)).toThrow(/not a graph output/);
  });
});
