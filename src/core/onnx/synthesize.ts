import type { ModelManifest } from '../manifest/types';
import { validateManifest } from '../manifest/validate';
import { PAPER_SCHEDULE } from '../schedule';
import type { NoiseSchedule } from '../schedule';
import type { BlockProposal } from './blocks';

export interface SynthesizeArgs {
  name: string;
  sha256: string;
  bytes: number;
  parameters: number;
  proposal: BlockProposal;
  /** The graph output that is the predicted noise (the model's first output). */
  epsOutput: string;
  /** [C, H, W] of every proposed block's tensor, from one forward pass. */
  shapes: ReadonlyMap<string, readonly number[]>;
  imageSize: number;
  channels: 1 | 3;
  schedule?: NoiseSchedule;
}

/**
 * The manifest diffprobe uses for a model that came without one: blocks as proposed from the
 * graph, shapes measured, the schedule as the user confirmed it (default: the paper's).
 * Throws with the validator's messages when the result does not describe a usable U-Net.
 */
export function synthesizeManifest(a: SynthesizeArgs): ModelManifest {
  const { proposal } = a;
  if (!proposal.image) throw new Error('the model has no image input of rank 4 [B, C, H, W]');
  if (!proposal.timestep)
    throw new Error('the model has no timestep input (rank 1, or named t / timestep)');
  const blocks = proposal.blocks.map((b) => {
    const shape = a.shapes.get(b.output);
    if (!shape || shape.length !== 3) {
      throw new Error(`block ${b.index} (${b.output}) has no [C, H, W] activation`);
    }
    return {
      index: b.index,
      stage: b.stage,
      channels: shape[0]!,
      height: shape[1]!,
      width: shape[2]!,
      output: b.output,
      module: b.name,
    };
  });
  const tDtype = a.proposal.timestep!.dtype;
  const manifest = {
    schemaVersion: 1,
    id: `custom-${a.sha256.slice(0, 12)}`,
    title: a.name.replace(/\.onnx$/i, ''),
    kind: 'diffusion',
    license: 'unknown (a model you opened)',
    provenance: `Opened from ${a.name}; blocks proposed by diffprobe from the graph (${proposal.source}${proposal.style ? `, ${proposal.style} naming` : ''}).`,
    file: a.name.toLowerCase().endsWith('.onnx') ? a.name : `${a.name}.onnx`,
    sha256: a.sha256,
    bytes: a.bytes,
    image: { size: a.imageSize, channels: a.channels, range: [-1, 1] },
    inputs: {
      x: proposal.image.name,
      t: proposal.timestep.name,
      tDtype: tDtype === 'int64' || tDtype === 'int32' ? tDtype : 'float32',
    },
    outputs: { eps: a.epsOutput },
    schedule: a.schedule ?? PAPER_SCHEDULE,
    blocks,
    parameters: Math.max(1, a.parameters),
  };
  const result = validateManifest(manifest);
  if (!result.ok) throw new Error(result.errors.slice(0, 3).join('; '));
  return result.manifest;
}
