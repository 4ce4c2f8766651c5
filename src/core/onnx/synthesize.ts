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
  /** Names the user gave blocks in review, by output tensor (blank: the proposed name). */
  names?: Readonly<Record<string, string>>;
}

/** The longest block name kept from the user's review. */
export const MAX_BLOCK_NAME = 80;

/** The user's name for a block, when they gave one; otherwise the proposed name. */
export function blockName(
  proposed: string,
  output: string,
  names: Readonly<Record<string, string>> | undefined,
): string {
  const given = names?.[output]?.trim().slice(0, MAX_BLOCK_NAME);
  return given ? given : proposed;
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
  // Skip pairs both ways, as the converter writes them: a decoder block and the encoder block
  // its skip Concat reads mirror each other.
  const mirrorOf = new Map<number, number>();
  for (const b of proposal.blocks) {
    if (b.mirror === undefined) continue;
    mirrorOf.set(b.index, b.mirror);
    if (!mirrorOf.has(b.mirror)) mirrorOf.set(b.mirror, b.index);
  }
  const blocks = proposal.blocks.map((b) => {
    const shape = a.shapes.get(b.output);
    if (!shape || shape.length !== 3) {
      throw new Error(`block ${b.index} (${b.output}) has no [C, H, W] activation`);
    }
    const mirror = mirrorOf.get(b.index);
    return {
      index: b.index,
      stage: b.stage,
      channels: shape[0]!,
      height: shape[1]!,
      width: shape[2]!,
      output: b.output,
      module: blockName(b.name, b.output, a.names),
      ...(mirror !== undefined ? { mirror } : {}),
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
