import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/core/onnx/build';
import { withOutputs } from '../../src/core/onnx/edit';
import { inspect } from './inspect';
import { main } from '../main';

const FOLDER = new URL('../../public/models/fmnist-adm-s/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(FOLDER, 'manifest.json'), 'utf8')) as {
  blocks: {
    index: number;
    stage: string;
    output: string;
    module?: string;
    channels: number;
    height: number;
    width: number;
    mirror?: number;
  }[];
};
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const expectedBlocks = manifest.blocks.map((b) => ({
  index: b.index,
  name: b.module ?? b.output,
  stage: b.stage,
  shape: [b.channels, b.height, b.width],
  output: b.output,
  ...(b.stage === 'decoder' && b.mirror !== undefined ? { mirror: b.mirror } : {}),
}));

describe('inspect', () => {
  it('reads the default model folder with its manifest', async () => {
    const r = await inspect(FOLDER, { threads: 1 });
    expect(r.manifest).toBe(true);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.inputs.map((i) => [i.name, i.dtype])).toEqual([
      ['x', 'float32'],
      ['t', 'float32'],
    ]);
    expect(r.blocks).toEqual(expectedBlocks);
    expect(r.schedule).toEqual({
      kind: 'linear',
      T: 1000,
      betaStart: 1e-4,
      betaEnd: 0.02,
      source: 'manifest',
    });
    expect(r.parameters).toBe(1_742_881); // the initializer elements of model.onnx (manifest: 1742881)
    expect(r.warnings).toEqual([]);
  }, 60_000);

  it('proposes the same blocks for the bare model without block outputs', async () => {
    const bare = join(tmp, 'bare.onnx');
    const bytes = new Uint8Array(readFileSync(join(FOLDER, 'model.onnx')));
    writeFileSync(bare, withOutputs(bytes, ['eps']));
    const r = await inspect(bare, { threads: 1 });
    expect(r.manifest).toBe(false);
    expect(r.schedule.source).toBe('default');
    expect(r.schedule).toMatchObject({ T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    // Same blocks, stages, module names and shapes; the tensors are the exporter's (the same
    // tensors that the block_<n> outputs name in the full model).
    expect(r.blocks.map((b) => [b.index, b.stage, b.name, b.shape])).toEqual(
      expectedBlocks.map((b) => [b.index, b.stage, b.name, b.shape]),
    );
    expect(r.blocks.map((b) => b.output)).toEqual(expectedBlocks.map((b) => b.output));
    expect(r.proposal).toEqual({ source: 'module-paths', style: 'adm' });
  }, 60_000);

  it('proposes the blocks of a U-Net with its own module names (inp.N, mid, out.N)', async () => {
    const own = new URL('../../test/fixtures/byo-unets/inp-mid-out.onnx', import.meta.url);
    const r = await inspect(own.pathname, { threads: 1 });
    expect(r.proposal).toEqual({ source: 'module-paths', style: 'generic' });
    expect(r.blocks.map((b) => [b.index, b.stage, b.name, b.shape, b.mirror ?? null])).toEqual([
      [1, 'encoder', 'inp.0', [8, 16, 16], null],
      [2, 'encoder', 'inp.1', [8, 16, 16], null],
      [3, 'encoder', 'inp.2', [8, 8, 8], null],
      [4, 'encoder', 'inp.3', [8, 8, 8], null],
      [5, 'encoder', 'inp.4', [8, 4, 4], null],
      [6, 'encoder', 'inp.5', [8, 4, 4], null],
      [7, 'middle', 'mid', [8, 4, 4], null],
      [8, 'decoder', 'out.0', [8, 4, 4], 6],
      [9, 'decoder', 'out.1', [8, 8, 8], 5],
      [10, 'decoder', 'out.2', [8, 8, 8], 4],
      [11, 'decoder', 'out.3', [8, 16, 16], 3],
      [12, 'decoder', 'out.4', [8, 16, 16], 2],
      [13, 'decoder', 'out.5', [8, 16, 16], 1],
    ]);
  }, 60_000);

  it('falls back to the skip structure for a U-Net without module paths', async () => {
    const bare = new URL('../../test/fixtures/byo-unets/no-paths.onnx', import.meta.url);
    const r = await inspect(bare.pathname, { threads: 1 });
    expect(r.proposal).toEqual({ source: 'skips', style: null });
    expect(r.blocks.map((b) => b.stage)).toEqual([
      ...Array<string>(6).fill('encoder'),
      'middle',
      ...Array<string>(6).fill('decoder'),
    ]);
    expect(r.blocks.map((b) => b.shape![1])).toEqual([16, 16, 8, 8, 4, 4, 4, 4, 8, 8, 16, 16, 16]);
  }, 60_000);

  it('runs a bare model whose weights live in an external file', async () => {
    const dir = mkdtempSync(join(tmp, 'ext-'));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(new Float32Array([2]).buffer));
    const bytes = buildModel({
      graph: {
        nodes: [
          { name: '/input_blocks.0/Mul', opType: 'Mul', inputs: ['x', 'W'], outputs: ['h0'] },
          {
            name: '/time_embed/Cast',
            opType: 'Cast',
            inputs: ['t'],
            outputs: ['tf'],
            attributes: [{ name: 'to', i: 1 }],
          },
          {
            name: '/input_blocks.1/Unsqueeze',
            opType: 'Unsqueeze',
            inputs: ['tf', 'axes'],
            outputs: ['tu'],
          },
          { name: '/input_blocks.1/Add', opType: 'Add', inputs: ['h0', 'tu'], outputs: ['h1'] },
          { name: '/middle_block/Relu', opType: 'Relu', inputs: ['h1'], outputs: ['h2'] },
          { name: '/output_blocks.0/Neg', opType: 'Neg', inputs: ['h2'], outputs: ['h3'] },
          { name: '/out/Identity', opType: 'Identity', inputs: ['h3'], outputs: ['eps'] },
        ],
        inputs: [
          { name: 'x', shape: ['batch', 1, 4, 4] },
          { name: 't', elemType: 7, shape: ['batch'] },
        ],
        outputs: [{ name: 'eps', shape: ['batch', 1, 4, 4] }],
        initializers: [
          { name: 'W', dims: [1], external: { location: 'weights.bin', offset: 0, length: 4 } },
          {
            name: 'axes',
            dims: [3],
            elemType: 7,
            data: new Uint8Array(new BigInt64Array([1n, 2n, 3n]).buffer),
          },
        ],
      },
    });
    const model = join(dir, 'model.onnx');
    writeFileSync(model, bytes);
    const r = await inspect(model, { threads: 1 });
    expect(r.inputs.map((i) => [i.name, i.dtype])).toEqual([
      ['x', 'float32'],
      ['t', 'int64'],
    ]);
    expect(r.blocks.map((b) => [b.index, b.stage, b.name, b.shape])).toEqual([
      [1, 'encoder', 'input_blocks.0', [1, 4, 4]],
      [2, 'encoder', 'input_blocks.1', [1, 4, 4]],
      [3, 'middle', 'middle_block', [1, 4, 4]],
      [4, 'decoder', 'output_blocks.0', [1, 4, 4]],
    ]);
    expect(r.parameters).toBe(4);
  }, 60_000);
});

describe('main', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
  };

  it('prints one clear line and exits 1 for a file that is not a model', async () => {
    const png = join(tmp, 'image.png');
    writeFileSync(png, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    const c = capture();
    expect(await main(['inspect', png], c.io)).toBe(1);
    expect(c.out).toEqual([]);
    expect(c.err.join('')).toMatch(
      /^diffprobe: .*image\.png: not an ONNX model: it is a PNG image\n$/,
    );
  });

  it('rejects unknown commands and missing arguments', async () => {
    for (const argv of [['frob'], ['inspect'], [], ['inspect', '/no/such/model.onnx']]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(1);
      expect(c.err.join('').trim().split('\n')).toHaveLength(1);
    }
  });

  it('prints JSON for inspect --no-run', async () => {
    const c = capture();
    expect(await main(['inspect', FOLDER, '--no-run'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join('')) as { blocks: unknown[]; manifest: boolean };
    expect(r.manifest).toBe(true);
    expect(r.blocks).toHaveLength(19);
  });
});
