import { describe, expect, it } from 'vitest';
import { diffusersModel } from '../../../test/diffusersUnet';
import { proposeBlocks } from './blocks';
import { parseModel } from './model';
import { scalarInputNames, sharedScalar } from './scalarInputs';

describe('scalar (rank-0) inputs', () => {
  it('finds a rank-0 timestep, and none when the timestep is [batch]', () => {
    expect(scalarInputNames(parseModel(diffusersModel('scalar-int64')).graph)).toEqual([
      'timestep',
    ]);
    expect(scalarInputNames(parseModel(diffusersModel('scalar-float')).graph)).toEqual([
      'timestep',
    ]);
    expect(scalarInputNames(parseModel(diffusersModel('batch-float')).graph)).toEqual([]);
  });

  it('feeds the one value a batch shares, and refuses a batch of different values', () => {
    expect(sharedScalar('timestep', Float32Array.of(7, 7, 7))).toBe(7);
    expect(() => sharedScalar('timestep', Float32Array.of(7, 8))).toThrow(
      "input 'timestep' is a scalar (rank 0): every item of a batch must share one value, got 7 and 8",
    );
    expect(() => sharedScalar('timestep', new Float32Array(0))).toThrow(/none was given/);
  });

  it('proposes the blocks of a diffusers export in paper order, whatever its timestep', () => {
    for (const kind of ['scalar-int64', 'scalar-float', 'batch-float', 'batch-int64'] as const) {
      const p = proposeBlocks(diffusersModel(kind));
      expect(p.source).toBe('module-paths');
      expect(p.style).toBe('diffusers');
      expect(p.image?.name).toBe('sample');
      expect(p.timestep?.name).toBe('timestep');
      expect(p.timestep?.dtype).toBe(kind.endsWith('int64') ? 'int64' : 'float32');
      expect(p.blocks.map((b) => [b.index, b.stage, b.name])).toEqual([
        [1, 'encoder', 'conv_in'],
        [2, 'encoder', 'down_blocks.0.resnets.0'],
        [3, 'encoder', 'down_blocks.0.downsamplers.0'],
        [4, 'encoder', 'down_blocks.1.resnets.0+attentions.0'],
        [5, 'middle', 'mid_block'],
        [6, 'decoder', 'up_blocks.0.resnets.0'],
        [7, 'decoder', 'up_blocks.0.upsamplers.0'],
        [8, 'decoder', 'up_blocks.1.resnets.0'],
      ]);
      // Never the model's prediction.
      expect(p.blocks.map((b) => b.output)).not.toContain('out_sample');
    }
  });
});
