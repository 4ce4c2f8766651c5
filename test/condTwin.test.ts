import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { assignRoles, graphInputs, unfillable } from '../src/core/manifest/inputRoles';
import type { ModelManifest } from '../src/core/manifest/types';
import { validateManifest } from '../src/core/manifest/validate';
import { proposeBlocks } from '../src/core/onnx/blocks';
import { buildModel } from '../src/core/onnx/build';
import { withOutputs } from '../src/core/onnx/edit';
import { parseModel } from '../src/core/onnx/model';
import type { LoadedBackend } from '../workers/ort/backend';
import { describeUnknownModel } from '../workers/unet/describeUnknownModel';
import { condTwin, condTwinManifest, TWIN } from './condTwin';

const DIR = new URL('../public/models/fmnist-adm-s/', import.meta.url);
const base = new Uint8Array(readFileSync(new URL('model.onnx', DIR)));
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as ModelManifest;
const OUTPUTS = ['eps', ...manifest.blocks.map((b) => b.output)];
const D = 128; // model_channels 32 × 4

const B = 2;
const x = new Float32Array(B * 32 * 32).map((_, i) => Math.sin(i * 0.37) * 0.9);
const feeds = (labels?: number[]): Record<string, ort.Tensor> => ({
  x: new ort.Tensor('float32', x, [B, 1, 32, 32]),
  t: new ort.Tensor('float32', new Float32Array([90, 400]), [B]),
  ...(labels ? { y: new ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [B]) } : {}),
});

async function run(
  bytes: Uint8Array,
  f: Record<string, ort.Tensor>,
  outputs = OUTPUTS,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  try {
    const res = await session.run(f, outputs);
    return Object.fromEntries(outputs.map((o) => [o, res[o]!.data as Float32Array]));
  } finally {
    await session.release();
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('the class-conditional twin of the default model', () => {
  const seeded = condTwin(base, { classes: 10, seed: 3 });

  it('adds label_emb(y) to the time embedding and nothing else', async () => {
    expect(seeded.dim).toBe(D);
    expect(seeded.emb).toBe('/time_embed/time_embed.2/Gemm_output_0');
    const g = parseModel(seeded.bytes).graph;
    const old = parseModel(base).graph;
    expect(g.inputs.map((i) => [i.name, i.dtype, i.shape])).toEqual([
      ['x', 'float32', ['batch', 1, 32, 32]],
      ['t', 'float32', ['batch']],
      ['y', 'int64', ['batch']],
    ]);
    expect(g.nodes.length).toBe(old.nodes.length + 2);
    expect(g.parameterCount).toBe(old.parameterCount + 10 * D);
    // Every res block's emb_layers now reads the sum; only the Add reads emb itself.
    const readers = (name: string) => g.nodes.filter((n) => n.inputs.includes(name));
    expect(readers(seeded.emb).map((n) => n.name)).toEqual(['/Add']);
    expect(readers(TWIN.sum).length).toBe(
      old.nodes.filter((n) => n.inputs.includes(seeded.emb)).length,
    );

    const labels = [3, 7];
    const asked = [seeded.emb, TWIN.sum];
    const twinOut = await run(withOutputs(seeded.bytes, asked), feeds(labels), asked);
    const baseEmb = (await run(withOutputs(base, [seeded.emb]), feeds(), [seeded.emb]))[
      seeded.emb
    ]!;
    expect(maxAbsDiff(twinOut[seeded.emb]!, baseEmb)).toBe(0);
    const want = baseEmb.map((v, i) => v + seeded.table[labels[Math.floor(i / D)]! * D + (i % D)]!);
    expect(maxAbsDiff(twinOut[TWIN.sum]!, want)).toBeLessThan(1e-5);
  });

  it('with a zero label table every output equals the default model; with the seeded one they differ through emb', async () => {
    const want = await run(base, feeds());
    const zero = condTwin(base, { table: new Float32Array(10 * D) });
    const same = await run(zero.bytes, feeds([3, 7]));
    for (const o of OUTPUTS) expect(maxAbsDiff(same[o]!, want[o]!), o).toBeLessThanOrEqual(1e-6);

    const other = await run(seeded.bytes, feeds([3, 7]));
    // Block 1 is the input conv (it reads no emb); every later block and eps read it.
    expect(maxAbsDiff(other.block_1!, want.block_1!)).toBe(0);
    for (const o of OUTPUTS.filter((n) => n !== 'block_1'))
      expect(maxAbsDiff(other[o]!, want[o]!), o).toBeGreaterThan(1e-3);

    // A table whose row 3 is zero: class 3 is the default model, class 5 is not.
    const table = seeded.table.slice();
    table.fill(0, 3 * D, 4 * D);
    const row3 = condTwin(base, { table });
    const c3 = await run(row3.bytes, feeds([3, 3]));
    const c5 = await run(row3.bytes, feeds([5, 5]));
    expect(maxAbsDiff(c3.eps!, want.eps!)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(c5.eps!, want.eps!)).toBeGreaterThan(1e-3);
  });

  it('the structure analysis proposes the same 19 blocks, and y is a class input with 10 classes', () => {
    const plain = proposeBlocks(base);
    const twin = proposeBlocks(seeded.bytes);
    expect(twin.blocks.length).toBe(19);
    expect(twin.blocks).toEqual(plain.blocks);
    expect(twin.source).toBe(plain.source);
    // Without the block_<n> outputs: from module paths alone, the same blocks.
    const bare = proposeBlocks(withOutputs(seeded.bytes, ['eps']));
    expect(bare.source).toBe('module-paths');
    expect(bare.blocks.map((b) => [b.index, b.stage, b.name])).toEqual(
      manifest.blocks.map((b) => [b.index, b.stage, b.module]),
    );
    expect([twin.image?.name, twin.timestep?.name]).toEqual(['x', 't']);

    const inputs = graphInputs(parseModel(seeded.bytes).graph);
    // Without a manifest: guessed from dtype and rank.
    const guessed = assignRoles(inputs, undefined, { image: 'x', timestep: 't' });
    expect(guessed.map((r) => r.role)).toEqual(['sample', 'timestep', 'class']);
    // With the twin's manifest: a class input with 10 classes, which the app's picker fills.
    const m = condTwinManifest(manifest, seeded.bytes, 10, D);
    const v = validateManifest(JSON.parse(JSON.stringify(m)));
    expect(v.ok ? [] : v.errors).toEqual([]);
    const roles = assignRoles(inputs, m);
    expect(roles.find((r) => r.name === 'y')).toMatchObject({ role: 'class', classes: 10 });
    expect(unfillable(roles, 'app')).toEqual([]);
    expect(m.blocks).toEqual(manifest.blocks);
    expect(m.parameters).toBe(manifest.parameters! + 10 * D);
  });

  it("the app's load of the twin without a manifest finds the same 19 blocks and y as a class input", async () => {
    const backend = {
      ort,
      info: { backend: 'cpu', reason: 'test', shaderF16: false, threads: 1 },
    } as unknown as LoadedBackend;
    const files = {
      manifest: null,
      model: seeded.bytes,
      sha256: sha256(seeded.bytes),
      name: 'twin.onnx',
    };
    const { manifest: m } = await describeUnknownModel(
      backend,
      { ...files, externalData: [] },
      undefined,
    );
    const facts = (bs: ModelManifest['blocks']) =>
      bs.map((b) => [b.index, b.stage, b.output, b.channels, b.height, b.width]);
    expect(facts(m.blocks)).toEqual(facts(manifest.blocks));
    expect(m.inputs.conditioning).toEqual([{ name: 'y', role: 'class', dtype: 'int64' }]);
  });

  it('refuses a model without a time embedding and a table of the wrong size', () => {
    expect(() => condTwin(seeded.bytes)).toThrow(/already has a tensor named y/);
    expect(() => condTwin(base, { table: new Float32Array(5) })).toThrow(/10×128 values, got 5/);
    const noTime = buildModel({
      graph: {
        nodes: [{ name: '/out/Identity', opType: 'Identity', inputs: ['x'], outputs: ['eps'] }],
        inputs: [{ name: 'x', shape: ['batch', 1, 4, 4] }],
        outputs: [{ name: 'eps', shape: ['batch', 1, 4, 4] }],
      },
    });
    expect(() => condTwin(noTime)).toThrow(/one tensor out of time_embed, found 0/);
  });
});
