import type { BlockReview } from '../../protocol/proposal';
import type { UnetEngine } from '../workers/unetEngine';

/**
 * Asks the engine which blocks it proposes for picked files without a manifest, so the user can
 * review and rename them before the model loads. The Files go to the worker by reference.
 */
export function createBlockReview(engine: Pick<UnetEngine, 'reviewBlocks'>) {
  return (files: readonly File[]): Promise<BlockReview> =>
    engine.reviewBlocks({
      kind: 'files',
      files: files.map((f) => ({ name: f.name, bytes: f as Blob })),
    });
}
