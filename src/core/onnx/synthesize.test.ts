import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proposeBlocks } from './blocks';
import { blockName, MAX_BLOCK_NAME, synthesizeManifest } from './synthesize';

const bytes = new Uint8Array(
  readFileSync(new URL('../../../test/fixtures/byo-unets/inp-mid-out.onnx', import.meta.url)),
);
const proposal = proposeBlocks(bytes);
/** [C, H, W] per block, as the forward pass measures them. */
const shapes = new Map(
  proposal.blocks.map((b) => {
    const side = 16 * 2 ** (b.level ?? 0);
    return [b.output, [8, side, side]] as const;
  }),
);
const args = {
  name: 'inp-mid-out.onnx',
  sha256: 'ab'.repeat(32),
  bytes: bytes.byteLength,
  parameters: 1000,
  proposal,
  epsOutput: 'eps',
  shapes,
  imageSize: 16,
  channels: 1 as const,
};

describe('synthesizeManifest: blocks', () => {
  it('keeps the proposed names and writes each skip pair both ways', () => {
    const m = synthesizeManifest(args);
    expect(m.blocks.map((b) => [b.index, b.stage, b.module, b.mirror ?? null])).toEqual([
      [1, 'encoder', 'inp.0', 13],
      [2, 'encoder', 'inp.1', 12],
      [3, 'encoder', 'inp.2', 11],
      [4, 'encoder', 'inp.3', 10],
      [5, 'encoder', 'inp.4', 9],
      [6, 'encoder', 'inp.5', 8],
      [7, 'middle', 'mid', null],
      [8, 'decoder', 'out.0', 6],
      [9, 'decoder', 'out.1', 5],
      [10, 'decoder', 'out.2', 4],
      [11, 'decoder', 'out.3', 3],
      [12, 'decoder', 'out.4', 2],
      [13, 'decoder', 'out.5', 1],
    ]);
    expect(m.provenance).toMatch(/module-paths, generic naming/);
  });

  it('takes the names the user gave, by output tensor; blank ones keep the proposal', () => {
    const mid = proposal.blocks[6]!;
    const first = proposal.blocks[0]!;
    const m = synthesizeManifest({
      ...args,
      names: { [mid.output]: '  bottleneck ', [first.output]: '   ', unknown: 'x' },
    });
    expect(m.blocks[6]!.module).toBe('bottleneck');
    expect(m.blocks[0]!.module).toBe('inp.0');
    expect(m.blocks.map((b) => b.output)).toEqual(proposal.blocks.map((b) => b.output));
  });

  it('cuts a very long name', () => {
    expect(blockName('mid', 't', { t: 'n'.repeat(500) })).toHaveLength(MAX_BLOCK_NAME);
    expect(blockName('mid', 't', undefined)).toBe('mid');
  });
});
