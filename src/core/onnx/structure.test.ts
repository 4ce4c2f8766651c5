import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proposeBlocks, type BlockProposal } from './blocks';
import { buildModel, type NodeSpec } from './build';
import { parseModel, type OnnxModel } from './model';
import { modulePath } from './modulePaths';
import { MAX_BLOCKS } from './structure';

const fixture = (name: string) =>
  new Uint8Array(
    readFileSync(new URL(`../../../test/fixtures/byo-unets/${name}.onnx`, import.meta.url)),
  );
const ADM = parseModel(
  new Uint8Array(
    readFileSync(new URL('../../../public/models/fmnist-adm-s/model.onnx', import.meta.url)),
  ),
);

/** [index, stage, name, level, mirror] of each block. */
const rows = (p: BlockProposal) =>
  p.blocks.map((b) => [b.index, b.stage, b.name, b.level, b.mirror ?? null]);

/** The ADM model with its node names rewritten (and only the noise output). */
function admRenamed(rename: (name: string, i: number, op: string) => string): OnnxModel {
  const g = ADM.graph;
  return {
    ...ADM,
    graph: {
      ...g,
      nodes: g.nodes.map((n, i) => ({ ...n, name: rename(n.name, i, n.opType) })),
      outputs: g.outputs.filter((o) => o.name === 'eps'),
    },
  };
}

describe('modulePath', () => {
  it('reads torch.onnx.export scopes as named_modules() paths', () => {
    expect(modulePath('/input_blocks.1/input_blocks.1.0/in_layers/in_layers.0/Cast')).toEqual([
      'input_blocks',
      '1',
      '0',
      'in_layers',
      '0',
    ]);
    expect(modulePath('/down_blocks.0/resnets.0/conv1/Conv')).toEqual([
      'down_blocks',
      '0',
      'resnets',
      '0',
      'conv1',
    ]);
    expect(modulePath('/downs.0.1/Add_1')).toEqual(['downs', '0', '1']);
    expect(modulePath('/Concat_3')).toEqual([]);
    expect(modulePath('Conv_12')).toEqual([]);
  });
});

describe('blocks from structure: U-Nets exported from PyTorch with their own module names', () => {
  it('inp.N / mid / out.N: list elements, the middle module, mirrors from the skip Concats', () => {
    const p = proposeBlocks(fixture('inp-mid-out'));
    expect(p.source).toBe('module-paths');
    expect(p.style).toBe('generic');
    expect(rows(p)).toEqual([
      [1, 'encoder', 'inp.0', 0, null],
      [2, 'encoder', 'inp.1', 0, null],
      [3, 'encoder', 'inp.2', -1, null],
      [4, 'encoder', 'inp.3', -1, null],
      [5, 'encoder', 'inp.4', -2, null],
      [6, 'encoder', 'inp.5', -2, null],
      [7, 'middle', 'mid', -2, null],
      [8, 'decoder', 'out.0', -2, 6],
      [9, 'decoder', 'out.1', -1, 5],
      [10, 'decoder', 'out.2', -1, 4],
      [11, 'decoder', 'out.3', 0, 3],
      [12, 'decoder', 'out.4', 0, 2],
      [13, 'decoder', 'out.5', 0, 1],
    ]);
    // The timestep MLP (`time`) and the output head (`head`) are not blocks.
    expect(p.blocks.map((b) => b.output)).toContain('/out.1/up/conv/Conv_output_0');
    expect(p.image?.name).toBe('x');
    expect(p.timestep?.name).toBe('t');
  });

  it('downs.N / ups.N with [res, res, resample] inside: split at each skip, one middle', () => {
    const p = proposeBlocks(fixture('downs-ups'));
    expect(p.source).toBe('module-paths');
    expect(rows(p)).toEqual([
      [1, 'encoder', 'init_conv', 0, null],
      [2, 'encoder', 'downs.0.0', 0, null],
      [3, 'encoder', 'downs.0.1', 0, null],
      [4, 'encoder', 'downs.0.2', -1, null],
      [5, 'encoder', 'downs.1.0', -1, null],
      [6, 'encoder', 'downs.1.1', -1, null],
      [7, 'encoder', 'downs.1.2', -1, null],
      [8, 'middle', 'mid_block1+mid_block2', -1, null],
      [9, 'decoder', 'ups.0.0', -1, 6],
      [10, 'decoder', 'ups.0.1+2', 0, 5],
      [11, 'decoder', 'ups.1.0', 0, 3],
      [12, 'decoder', 'ups.1.1+2', 0, 2],
      [13, 'decoder', 'final_res_block', 0, 1],
    ]);
    expect(p.blocks[7]?.output).toBe('/mid_block2/Add_1_output_0');
  });

  it('encoder.N / bottleneck / decoder.N: a skip taken inside a block pairs with that block', () => {
    const p = proposeBlocks(fixture('encoder-decoder'));
    expect(rows(p)).toEqual([
      [1, 'encoder', 'encoder.0', -1, null],
      [2, 'encoder', 'encoder.1', -2, null],
      [3, 'middle', 'bottleneck', -2, null],
      [4, 'decoder', 'decoder.0', -1, 2],
      [5, 'decoder', 'decoder.1', 0, 1],
    ]);
    // The block's tensor is the one it hands on (pooled), not the skip it also hands out.
    expect(p.blocks[0]?.output).toBe('/encoder.0/pool/AveragePool_output_0');
  });

  it('no module paths at all: the skip structure alone gives the same blocks', () => {
    const named = proposeBlocks(fixture('inp-mid-out'));
    const bare = proposeBlocks(fixture('no-paths'));
    expect(bare.source).toBe('skips');
    expect(bare.style).toBeUndefined();
    expect(bare.blocks.map((b) => [b.stage, b.level, b.mirror])).toEqual(
      named.blocks.map((b) => [b.stage, b.level, b.mirror]),
    );
    expect(bare.blocks.map((b) => b.name)).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((i) => `encoder ${i}`),
      'middle',
      ...[1, 2, 3, 4, 5, 6].map((i) => `decoder ${i}`),
    ]);
    // Same tensors: the renamed tensors sit at the same places among the node outputs.
    const where = (bytes: Uint8Array, p: BlockProposal) => {
      const g = parseModel(bytes).graph;
      return p.blocks.map((b) => g.nodes.findIndex((n) => n.outputs.includes(b.output)));
    };
    expect(where(fixture('no-paths'), bare)).toEqual(where(fixture('inp-mid-out'), named));
  });
});

describe('blocks from structure agree with the known naming on the shipped ADM model', () => {
  const known = proposeBlocks(admRenamed((n) => n));

  it('with other module names: the same 19 tensors, stages, and mirrors as its manifest', () => {
    const p = proposeBlocks(
      admRenamed((n) =>
        n
          .replaceAll('input_blocks', 'enc')
          .replaceAll('middle_block', 'bottleneck')
          .replaceAll('output_blocks', 'dec'),
      ),
    );
    expect(known.style).toBe('adm');
    expect(p.style).toBe('generic');
    expect(p.blocks.map((b) => [b.index, b.stage, b.output])).toEqual(
      known.blocks.map((b) => [b.index, b.stage, b.output]),
    );
    expect(p.blocks.map((b) => b.name)).toEqual(
      known.blocks.map((b) =>
        b.name
          .replace('input_blocks', 'enc')
          .replace('middle_block', 'bottleneck')
          .replace('output_blocks', 'dec'),
      ),
    );
    const manifest = JSON.parse(
      readFileSync(
        new URL('../../../public/models/fmnist-adm-s/manifest.json', import.meta.url),
        'utf8',
      ),
    ) as { blocks: { index: number; stage: string; mirror?: number }[] };
    const decoderMirrors = manifest.blocks
      .filter((b) => b.stage === 'decoder')
      .map((b) => b.mirror);
    expect(p.blocks.filter((b) => b.stage === 'decoder').map((b) => b.mirror)).toEqual(
      decoderMirrors,
    );
  });

  it('with no module paths: the skip structure finds the same 19 tensors', () => {
    const p = proposeBlocks(admRenamed((_, i, op) => `${op}_${i}`));
    expect(p.source).toBe('skips');
    expect(p.blocks.map((b) => [b.index, b.stage, b.output])).toEqual(
      known.blocks.map((b) => [b.index, b.stage, b.output]),
    );
  });
});

describe('the proposal stays short', () => {
  /** A stem, a middle, one skip Concat, then `n` numbered decoder layers and a head. */
  function manyLayers(n: number): Uint8Array {
    const w = (name: string, cin = 1) => ({
      name,
      dims: [1, cin, 1, 1],
      data: new Float32Array(cin).fill(1),
    });
    const nodes: NodeSpec[] = [
      { name: '/stem/Conv', opType: 'Conv', inputs: ['x', 'w1'], outputs: ['s'] },
      { name: '/mid/Conv', opType: 'Conv', inputs: ['s', 'w1'], outputs: ['m'] },
      {
        name: '/Concat',
        opType: 'Concat',
        inputs: ['m', 's'],
        outputs: ['c'],
        attributes: [{ name: 'axis', i: 1 }],
      },
    ];
    let cur = 'c';
    for (let i = 0; i < n; i++) {
      const weight = i === 0 ? 'w2' : 'w1';
      nodes.push({
        name: `/layers.${i}/Conv`,
        opType: 'Conv',
        inputs: [cur, weight],
        outputs: [`l${i}`],
      });
      cur = `l${i}`;
    }
    nodes.push({ name: '/head/Conv', opType: 'Conv', inputs: [cur, 'w1'], outputs: ['eps'] });
    return buildModel({
      graph: {
        nodes,
        inputs: [
          { name: 'x', shape: [1, 1, 4, 4] },
          { name: 't', shape: [1] },
        ],
        outputs: [{ name: 'eps', shape: [1, 1, 4, 4] }],
        initializers: [w('w1'), w('w2', 2)],
      },
    });
  }

  it(`never proposes more than ${MAX_BLOCKS} blocks: more modules fall back to the skips`, () => {
    const few = proposeBlocks(manyLayers(10));
    expect(few.source).toBe('module-paths');
    expect(few.blocks.map((b) => b.name)).toEqual([
      'stem',
      'mid',
      ...Array.from({ length: 10 }, (_, i) => `layers.${i}`),
    ]);
    const many = proposeBlocks(manyLayers(200));
    expect(many.source).toBe('skips');
    expect(many.blocks.map((b) => [b.stage, b.output])).toEqual([
      ['encoder', 's'],
      ['middle', 'm'],
      ['decoder', 'l199'],
    ]);
  });
});

describe('blocks from structure without skip Concats', () => {
  /** stem → strided down → mid → Resize up, an additive skip from the stem, a conv, a head. */
  function additive(up: boolean): Uint8Array {
    const w = { name: 'w', dims: [1, 1, 1, 1], data: new Float32Array([1]) };
    const scales = { name: 'scales', dims: [4], data: new Float32Array([1, 1, 2, 2]) };
    const nodes: NodeSpec[] = [
      { name: '/stem/Conv', opType: 'Conv', inputs: ['x', 'w'], outputs: ['s'] },
      {
        name: '/down/Conv',
        opType: 'Conv',
        inputs: ['s', 'w'],
        outputs: ['d'],
        attributes: [{ name: 'strides', ints: [2, 2] }],
      },
      { name: '/mid/Conv', opType: 'Conv', inputs: ['d', 'w'], outputs: ['m'] },
      up
        ? { name: '/up/Resize', opType: 'Resize', inputs: ['m', '', 'scales'], outputs: ['u'] }
        : { name: '/up/Conv', opType: 'Conv', inputs: ['m', 'w'], outputs: ['u'] },
      { name: '/dec/Add', opType: 'Add', inputs: ['u', 's'], outputs: ['a'] },
      { name: '/dec/conv/Conv', opType: 'Conv', inputs: ['a', 'w'], outputs: ['o'] },
      { name: '/head/Conv', opType: 'Conv', inputs: ['o', 'w'], outputs: ['eps'] },
    ];
    return buildModel({
      graph: {
        nodes,
        inputs: [
          { name: 'x', shape: [1, 1, 8, 8] },
          { name: 't', shape: [1] },
        ],
        outputs: [{ name: 'eps', shape: [1, 1, 8, 8] }],
        initializers: [w, scales],
      },
    });
  }

  it('stages by resolution: down to the lowest level, the middle there, back up', () => {
    const p = proposeBlocks(additive(true));
    expect(p.source).toBe('module-paths');
    expect(rows(p)).toEqual([
      [1, 'encoder', 'stem', 0, null],
      [2, 'encoder', 'down', -1, null],
      [3, 'middle', 'mid', -1, null],
      [4, 'decoder', 'up', 0, null],
      [5, 'decoder', 'dec', 0, null],
    ]);
  });

  it('refuses a graph that never comes back up', () => {
    const p = proposeBlocks(additive(false));
    expect(p.source).toBe('none');
    expect(p.reason).toMatch(/does not look like a diffusion U-Net/);
  });
});

describe("blocks from structure on the converter's ADM-256 copy (test/fixtures/guided-tiny)", () => {
  it('finds its manifest’s 37 blocks and skip pairs from the graph alone', () => {
    const dir = new URL('../../../test/fixtures/guided-tiny/', import.meta.url);
    const model = parseModel(new Uint8Array(readFileSync(new URL('model.onnx', dir))));
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
      blocks: { index: number; stage: string; output: string; mirror?: number }[];
    };
    // A plain export: only the noise output (ε sliced from the learned-variance output).
    const p = proposeBlocks({
      ...model,
      graph: { ...model.graph, outputs: model.graph.outputs.filter((o) => o.name === 'eps') },
    });
    // The converter's node names are not module scopes (its fp16 weight Casts are named after
    // the weights), so the skips decide.
    expect(p.source).toBe('skips');
    expect(p.blocks.map((b) => [b.index, b.stage, b.output])).toEqual(
      manifest.blocks.map((b) => [b.index, b.stage, b.output]),
    );
    expect(p.blocks.filter((b) => b.stage === 'decoder').map((b) => b.mirror)).toEqual(
      manifest.blocks.filter((b) => b.stage === 'decoder').map((b) => b.mirror),
    );
  });
});
