import { proposeBlocks } from '../../src/core/onnx/blocks';
import { withOutputs } from '../../src/core/onnx/edit';
import { parseModel } from '../../src/core/onnx/model';
import {
  assignRoles,
  graphInputs,
  unfillable,
  unfillableMessage,
} from '../../src/core/manifest/inputRoles';
import { scalarInputNames } from '../../src/core/onnx/scalarInputs';
import { synthesizeManifest } from '../../src/core/onnx/synthesize';
import type { ConditioningInput, ModelManifest } from '../../src/core/manifest/types';
import type { RoledInput } from '../../src/core/manifest/inputRoles';
import { conditioningFeeds, defaultConditioning } from '../../src/core/conditioning/conditioning';
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
      `${files.name} does not look like a diffusion U-Net: it needs an image input [B, C, H, W], a timestep input ([B] or a scalar) and a noise output.`,
    );
  }
  // Class labels and context states of known shape are fed (class 0 and zeros for the probe);
  // any other input cannot be.
  const roles = assignRoles(graphInputs(parsed.graph), undefined, {
    image: proposal.image.name,
    timestep: proposal.timestep.name,
  });
  const missing = unfillable(roles, 'app');
  if (missing.length) {
    throw new ModelSourceError('model-load', unfillableMessage(files.name, missing, 'app'));
  }
  const conditioning = roles.flatMap(declareInput);
  const probeCond = conditioningFeeds(defaultConditioning({ inputs: { x: '', conditioning } }), [
    undefined,
  ]);
  const blockOutputs = proposal.blocks.map((b) => b.output);
  const model = withOutputs(files.model, [eps, ...new Set(blockOutputs)]);
  const dims = proposal.image.shape ?? [];
  const num = (d: unknown, fallback: number) => (typeof d === 'number' && d > 0 ? d : fallback);
  const declared = num(dims[1], 3);
  if (declared !== 1 && declared !== 3) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} takes ${declared}-channel samples ('${proposal.image.name}'), not images of 1 or 3 channels: a latent U-Net. Give it a manifest.json that names its encoder (image → latent), or run it with the CLI on ready-made latents: diffprobe extract --x0 latents.npy.`,
    );
  }
  const channels = declared;
  const size = num(dims[2], 32);
  const probe = new ModelRuntime(be, model, [], null, null, 1, {}, scalarInputs(model));
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
        ...probeCond,
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
    if (conditioning.length) manifest.inputs.conditioning = conditioning;
    return { manifest, model };
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${files.name} does not look like a diffusion U-Net: ${(err as Error).message}`,
    );
  }
}

/** A guessed class or context input as a manifest declares it (nothing for other roles). */
function declareInput(r: RoledInput): ConditioningInput[] {
  if (r.role === 'class') {
    return [{ name: r.name, role: 'class', dtype: r.dtype === 'int32' ? 'int32' : 'int64' }];
  }
  if (r.role === 'context' && r.contextShape) {
    return [{ name: r.name, role: 'context', dtype: 'float32', shape: r.contextShape }];
  }
  return [];
}

/**
 * Throws a ModelSourceError naming every input of `model` that the app cannot fill: one its
 * manifest does not mention as class or context input (`other`, or a context of unknown shape).
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

/** The model's rank-0 inputs (a scalar timestep), fed one value per batch. */
export function scalarInputs(model: Uint8Array): Set<string> {
  try {
    return new Set(scalarInputNames(parseModel(model).graph));
  } catch {
    return new Set();
  }
}
