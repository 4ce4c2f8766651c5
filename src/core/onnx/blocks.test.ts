import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findInputs, proposeBlocks, topologicalOrder } from './blocks';
import { buildModel, type NodeSpec } from './build';
import { withOutputs } from './edit';
import { parseModel } from './model';
import { condModel } from '../../../test/condUnet';

const MODEL_URL = new URL('../../../public/models/fmnist-adm-s/model.onnx', import.meta.url);
const modelBytes = new Uint8Array(readFileSync(MODEL_URL));

describe('proposeBlocks on the default model', () => {
  const p = proposeBlocks(modelBytes);

  it('takes the block_<n> outputs, in order, with stages and module names', () => {
    expect(p.source).toBe('outputs');
    expect(p.style).toBe('adm');
    expect(p.blocks).toHaveLength(19);
    expect(p.blocks.map((b) => b.index)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(p.blocks.map((b) => b.output)).toEqual(p.blocks.map((b) => `block_${b.index}`));
    expect(p.blocks.filter((b) => b.stage === 'encoder')).toHaveLength(9);
    expect(p.blocks.filter((b) => b.stage === 'middle').map((b) => b.index)).toEqual([10]);
    expect(p.blocks.filter((b) => b.stage === 'decoder')).toHaveLength(9);
    expect(p.blocks[0]?.name).toBe('input_blocks.0');
    expect(p.blocks[9]?.name).toBe('middle_block');
    expect(p.blocks[18]?.name).toBe('output_blocks.8');
    expect(p.blocks[3]?.shape).toEqual(['batch', 32, 16, 16]);
  });

  it('finds the image and timestep inputs', () => {
    expect(p.image).toMatchObject({ name: 'x', dtype: 'float32', shape: ['batch', 1, 32, 32] });
    expect(p.timestep).toMatchObject({ name: 't', dtype: 'float32' });
    expect(p.inputs.map((i) => i.name)).toEqual(['x', 't']);
  });

  it('finds the same 19 blocks from node names once the block outputs are gone', () => {
    const bare = proposeBlocks(withOutputs(modelBytes, ['eps']));
    expect(bare.source).toBe('module-paths');
    expect(bare.style).toBe('adm');
    expect(bare.blocks.map((b) => [b.index, b.stage, b.name, b.output])).toEqual(
      p.blocks.map((b) => [b.index, b.stage, b.name, b.output]),
    );
    // No value_info in this export: shapes are left to a forward pass.
    expect(bare.blocks[0]?.shape).toBeUndefined();
  });
});

/** A diffusers-style UNet2DModel graph made of cheap ops, with module paths in node names. */
function diffusersLike(): Uint8Array {
  const nodes: NodeSpec[] = [];
  let cur = 'sample';
  const op = (name: string, opType = 'Relu', extra: string[] = []): string => {
    const out = `${name}_output_0`;
    nodes.push({ name, opType, inputs: [cur, ...extra], outputs: [out] });
    cur = out;
    return out;
  };
  nodes.push({
    name: '/time_proj/Cast',
    opType: 'Cast',
    inputs: ['timestep'],
    outputs: ['temb'],
    attributes: [{ name: 'to', i: 1 }],
  });
  op('/conv_in/Conv');
  const skips: string[] = [cur];
  for (const [i, attn] of [
    [0, false],
    [1, true],
  ] as const) {
    op(`/down_blocks.${i}/resnets.0/conv1/Relu`);
    op(`/down_blocks.${i}/resnets.0/Add`, 'Add', ['temb']);
    if (attn) op(`/down_blocks.${i}/attentions.0/proj_out/Relu`);
    skips.push(cur);
    if (i === 0) {
      op(`/down_blocks.${i}/downsamplers.0/conv/Relu`);
      skips.push(cur);
    }
  }
  op('/mid_block/resnets.0/Relu');
  op('/mid_block/attentions.0/Relu');
  op('/mid_block/resnets.1/Relu');
  for (const [i, attn] of [
    [0, true],
    [1, false],
  ] as const) {
    const skip = skips.pop()!;
    op(`/up_blocks.${i}/Concat`, 'Add', [skip]); // the skip merge lives outside resnets
    op(`/up_blocks.${i}/resnets.0/conv1/Relu`);
    if (attn) op(`/up_blocks.${i}/attentions.0/Relu`);
    if (i === 0) op(`/up_blocks.${i}/upsamplers.0/conv/Relu`);
  }
  op('/conv_out/Conv');
  nodes.push({ name: '/Identity', opType: 'Identity', inputs: [cur], outputs: ['out_sample'] });
  return buildModel({
    graph: {
      nodes,
      inputs: [
        { name: 'sample', shape: ['b', 3, 8, 8] },
        { name: 'timestep', elemType: 7, shape: ['b'] },
      ],
      outputs: [{ name: 'out_sample', shape: ['b', 3, 8, 8] }],
      valueInfo: [{ name: '/mid_block/resnets.1/Relu_output_0', shape: ['b', 3, 8, 8] }],
    },
  });
}

describe('proposeBlocks on a diffusers-style graph', () => {
  const p = proposeBlocks(diffusersLike());

  it('orders conv_in, down resnet(+attention) pairs and downsamplers, mid, up blocks', () => {
    expect(p.source).toBe('module-paths');
    expect(p.style).toBe('diffusers');
    expect(p.blocks.map((b) => [b.index, b.stage, b.name])).toEqual([
      [1, 'encoder', 'conv_in'],
      [2, 'encoder', 'down_blocks.0.resnets.0'],
      [3, 'encoder', 'down_blocks.0.downsamplers.0'],
      [4, 'encoder', 'down_blocks.1.resnets.0+attentions.0'],
      [5, 'middle', 'mid_block'],
      [6, 'decoder', 'up_blocks.0.resnets.0+attentions.0'],
      [7, 'decoder', 'up_blocks.0.upsamplers.0'],
      [8, 'decoder', 'up_blocks.1.resnets.0'],
    ]);
    expect(p.blocks.map((b) => b.output)).toEqual([
      '/conv_in/Conv_output_0',
      '/down_blocks.0/resnets.0/Add_output_0',
      '/down_blocks.0/downsamplers.0/conv/Relu_output_0',
      '/down_blocks.1/attentions.0/proj_out/Relu_output_0',
      '/mid_block/resnets.1/Relu_output_0',
      '/up_blocks.0/attentions.0/Relu_output_0',
      '/up_blocks.0/upsamplers.0/conv/Relu_output_0',
      '/up_blocks.1/resnets.0/conv1/Relu_output_0',
    ]);
    expect(p.blocks[4]?.shape).toEqual(['b', 3, 8, 8]);
  });

  it('finds an int64 timestep and the sample input', () => {
    expect(p.image?.name).toBe('sample');
    expect(p.timestep).toMatchObject({ name: 'timestep', dtype: 'int64' });
  });
});

describe('proposeBlocks without a U-Net', () => {
  it('explains why nothing was found', () => {
    const bytes = buildModel({
      graph: {
        nodes: [
          { name: 'Relu_0', opType: 'Relu', inputs: ['input'], outputs: ['h'] },
          { name: 'Neg_1', opType: 'Neg', inputs: ['h'], outputs: ['logits'] },
        ],
        inputs: [{ name: 'input', shape: [1, 3, 224, 224] }],
        outputs: [{ name: 'logits', shape: [1, 3, 224, 224] }],
      },
    });
    const p = proposeBlocks(bytes);
    expect(p.source).toBe('none');
    expect(p.blocks).toEqual([]);
    expect(p.reason).toMatch(/no skip-connection Concats .* no numbered lists of modules/);
    expect(p.reason).toMatch(/does not look like a diffusion U-Net/);
    expect(p.image?.name).toBe('input');
    expect(p.timestep).toBeUndefined();
  });
});

describe('topologicalOrder and findInputs', () => {
  it('sorts a graph whose nodes are out of order, stably', () => {
    const bytes = buildModel({
      graph: {
        nodes: [
          { name: 'c', opType: 'Neg', inputs: ['b'], outputs: ['c'] },
          { name: 'a', opType: 'Relu', inputs: ['x'], outputs: ['a'] },
          { name: 'b', opType: 'Neg', inputs: ['a'], outputs: ['b'] },
          { name: 'z', opType: 'Relu', inputs: ['x'], outputs: ['z'] },
        ],
        inputs: [{ name: 'x', shape: [1] }],
        outputs: [{ name: 'c', shape: [1] }],
      },
    });
    const g = parseModel(bytes).graph;
    expect(topologicalOrder(g).map((i) => g.nodes[i]!.name)).toEqual(['a', 'b', 'c', 'z']);
  });

  it('ignores initializers listed as inputs and picks a rank-1 timestep', () => {
    const bytes = buildModel({
      graph: {
        nodes: [{ name: 'n', opType: 'Add', inputs: ['img', 'W'], outputs: ['o'] }],
        inputs: [
          { name: 'img', shape: [1, 1, 4, 4] },
          { name: 'noise_scale', shape: [1] },
          { name: 'W', shape: [1] },
        ],
        outputs: [{ name: 'o', shape: [1, 1, 4, 4] }],
        initializers: [{ name: 'W', dims: [1], data: new Float32Array([1]) }],
      },
    });
    const io = findInputs(parseModel(bytes).graph);
    expect(io.inputs.map((i) => i.name)).toEqual(['img', 'noise_scale']);
    expect(io.image?.name).toBe('img');
    expect(io.timestep?.name).toBe('noise_scale');
  });
});

describe('proposeBlocks never takes the model output for a block', () => {
  it('stops at the last block tensor where only an Identity leads to eps', () => {
    const p = proposeBlocks(condModel());
    const outputs = p.blocks.map((b) => b.output);
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs).not.toContain('eps');
    expect(outputs.at(-1)).toBe('h3');
  });

  it('never follows an alias onto the tensor of the next block (Identity modules)', () => {
    // Without a context input, input_blocks.1 and output_blocks.0 are bare Identities.
    const p = proposeBlocks(condModel({ contextInput: false }));
    expect(p.blocks.map((b) => b.output)).toEqual(['h0', 'h1', 'h2', 'h3']);
  });
});
