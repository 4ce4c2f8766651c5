import { proposeBlocks } from '../../src/core/onnx/blocks';
import { withOutputs } from '../../src/core/onnx/edit';
import { parseModel } from '../../src/core/onnx/model';
import {
  assignRoles,
  graphInputs,
  unfillable,
  unfillableMessage,
} from '../../src/core/manifest/inputRoles';
import { synthesizeManifest } from '../../src/core/onnx/synthesize';
import type { ModelManifest } from '../../src/core/manifest/types';
import type { BlockNames } from '../../src/protocol/proposal';
import type { NoiseSchedule } from '../../src/core/schedule';
import type { LoadedBackend } from '../ort/backend';
import { ModelSourceError } from '../ort/loadModel';
import type { ModelFiles } from '../ort/loadModel';
import { ModelRuntime } from '../ort/modelRuntime';

/**
 * A model without a manifest: propose its blocks from the graph, expose them as outputs, measure
 * their shapes with one forward pass and describe it with the given (or the paper's) schedule
 * and the names the user gave its blocks in review.
 */
export async function describeUnknownModel(
  be: LoadedBackend,
  files: ModelFiles,
  schedule: NoiseSchedule | undefined,
  names?: BlockNames,
): Promise<{ manifest: ModelManifest; model: Uint8Array }> {
  let parsed: ReturnType<typeof parseModel>;
  try {
    parsed = parseModel(files.model);
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} is not a readable ONNX model: ${(err as Error).message}`,
    );
  }
  const proposal = proposeBlocks(parsed);
  if (proposal.source === 'none' || !proposal.blocks.length) {
    throw new ModelSourceError(
      'model-load',
      `${files.name}: ${proposal.reason ?? 'no U-Net blocks were found'}.`,
    );
  }
  const eps = parsed.graph.outputs[0]?.name;
  if (!eps || !proposal.image || !proposal.timestep) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} does not look like a diffusion U-Net: it needs an image input [B, C, H, W], a timestep input [B] and a noise output.`,
    );
  }
  // Inputs besides the image and the timestep (class labels, context states …) cannot be fed.
  const roles = assignRoles(graphInputs(parsed.graph), undefined, {
    image: proposal.image.name,
    timestep: proposal.timestep.name,
  });
  const missing = unfillable(roles, 'app');
  if (missing.length) {
    throw new ModelSourceError('model-load', unfillableMessage(files.name, missing, 'app'));
  }
  const blockOutputs = proposal.blocks.map((b) => b.output);
  const model = withOutputs(files.model, [eps, ...new Set(blockOutputs)]);
  const dims = proposal.image.shape ?? [];
  const num = (d: unknown, fallback: number) => (typeof d === 'number' && d > 0 ? d : fallback);
  const channels = num(dims[1], 3) === 1 ? 1 : 3;
  const size = num(dims[2], 32);
  const probe = new ModelRuntime(be, model, [], null);
  const shapes = new Map<string, number[]>();
  try {
    const out = await probe.forward(
      {
        [proposal.image.name]: {
          data: new Float32Array(channels * size * size),
          dims: [1, channels, size, size],
        },
        [proposal.timestep.name]: {
          data: new Float32Array([0]),
          dims: [1],
          type:
            proposal.timestep.dtype === 'int64'
              ? 'int64'
              : proposal.timestep.dtype === 'int32'
                ? 'int32'
                : 'float32',
        },
      },
      blockOutputs,
    );
    for (const name of blockOutputs) shapes.set(name, out[name]!.dims.slice(1));
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} could not run: ${(err as Error).message}`,
    );
  } finally {
    await probe.release();
  }
  try {
    const manifest = synthesizeManifest({
      name: files.name,
      sha256: files.sha256,
      bytes: files.model.byteLength,
      parameters: parsed.graph.parameterCount,
      proposal,
      epsOutput: eps,
      shapes,
      imageSize: size,
      channels,
      ...(schedule ? { schedule } : {}),
      ...(names ? { names } : {}),
    });
    return { manifest, model };
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} does not look like a diffusion U-Net: ${(err as Error).message}`,
    );
  }
}

/**
 * Throws a ModelSourceError naming every input of `model` that the app cannot fill: one its
 * manifest does not mention, or a conditioning input (the app feeds only x and t so far).
 */
export function checkInputsFillable(
  name: string,
  model: Uint8Array,
  manifest: ModelManifest,
): void {
  let parsed: ReturnType<typeof parseModel>;
  try {
    parsed = parseModel(model);
  } catch {
    return; // an unreadable graph is reported by the runtime with its own words
  }
  const missing = unfillable(assignRoles(graphInputs(parsed.graph), manifest), 'app');
  if (missing.length) {
    throw new ModelSourceError('model-load', unfillableMessage(name, missing, 'app'));
  }
}

/** The name of the inputs' symbolic batch dimension, if the graph has one. */
export function symbolicBatch(model: Uint8Array): string | null {
  try {
    const dim = parseModel(model).graph.inputs[0]?.shape?.[0];
    return typeof dim === 'string' && dim.length ? dim : null;
  } catch {
    return null;
  }
}
