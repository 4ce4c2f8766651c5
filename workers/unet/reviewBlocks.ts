import { proposeBlocks } from '../../src/core/onnx/blocks';
import { parseModel } from '../../src/core/onnx/model';
import type { BlockReview } from '../../src/protocol/proposal';
import type { ModelSource } from '../../src/protocol/model';
import type { BlockProposal } from '../../src/core/onnx/blocks';
import { ModelSourceError } from '../ort/loadModel';

/** The blocks proposed for the picked .onnx (read here, in the worker), for the user to review. */
export async function reviewBlocks(source: ModelSource): Promise<BlockReview> {
  const onnx =
    source.kind === 'files'
      ? source.files.filter((f) => f.name.toLowerCase().endsWith('.onnx'))
      : [];
  if (onnx.length !== 1) {
    throw new ModelSourceError('model-load', 'Pick one .onnx file to review its blocks.');
  }
  const file = onnx[0]!;
  let proposal: BlockProposal;
  try {
    const bytes =
      file.bytes instanceof ArrayBuffer
        ? new Uint8Array(file.bytes)
        : new Uint8Array(await file.bytes.arrayBuffer());
    proposal = proposeBlocks(parseModel(bytes));
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${file.name} is not a readable ONNX model: ${(err as Error).message}`,
    );
  }
  return {
    file: file.name,
    source: proposal.source,
    style: proposal.style ?? null,
    blocks: proposal.blocks.map((b) => ({
      index: b.index,
      stage: b.stage,
      name: b.name,
      output: b.output,
      ...(b.mirror !== undefined ? { mirror: b.mirror } : {}),
      ...(b.level !== undefined ? { level: b.level } : {}),
    })),
    ...(proposal.reason ? { reason: proposal.reason } : {}),
  };
}
