import { expect } from 'vitest';
import { maxRelativeError } from '../../src/core/compare';
import { fixture, parityIndex, pooledBlock } from '../../test/fixtures';

/** The PyTorch fixtures (tools/) that the browser's features are held to. */
export const parity = parityIndex();

/** The fixtures' noised inputs x_t of the first `images` images, as plain numbers for the page. */
export function fixtureXt(t: number, images: number): number[] {
  return Array.from(fixture(`xt_t${t}.npy`).data.subarray(0, images * 1024));
}

/**
 * Holds every block's pooled (2×2) features to PyTorch's: `got(block, output)` gives the
 * browser's values for the first `images` images. Returns the worst relative error.
 */
export function expectBlocksMatchPyTorch(
  t: number,
  images: number,
  tol: number,
  label: string,
  got: (block: number, output: string) => ArrayLike<number> | undefined,
): number {
  const pooled = fixture(`pooled2_t${t}.npy`);
  let worst = 0;
  for (const b of parity.pooled2.blocks) {
    const ref = pooledBlock(pooled, b.channelStart, b.channels).subarray(
      0,
      images * b.channels * 4,
    );
    const values = got(b.block, b.output);
    expect(values?.length, `block ${b.block} on ${label}`).toBe(ref.length);
    const err = maxRelativeError(values!, ref);
    expect(err, `block ${b.block} on ${label}`).toBeLessThanOrEqual(tol);
    worst = Math.max(worst, err);
  }
  return worst;
}
