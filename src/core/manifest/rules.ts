/** Manifest rules that JSON schema cannot express. Run on a manifest that passed the schema. */
import { show } from './jsonSchema';
import type { BlockInfo, ModelManifest } from './types';

const block = (i: number): string => `blocks[${i}]`;

function diffusionRules(m: ModelManifest): string[] {
  const errors: string[] = [];
  const need = 'is required for a diffusion model';
  if (!m.schedule) errors.push(`schedule: ${need}`);
  if (m.inputs.t === undefined) errors.push(`inputs.t: ${need}`);
  if (m.outputs?.eps === undefined) errors.push(`outputs.eps: ${need}`);
  errors.push(...stageOrder(m.blocks));
  return errors;
}

/** Stages must run encoder…, middle (exactly one), decoder…. */
function stageOrder(blocks: BlockInfo[]): string[] {
  const errors: string[] = [];
  const order = 'stages must run encoder…, then one middle, then decoder…';
  let phase = 0; // 0: encoders, 1: after the middle block, 2: decoders
  let middles = 0;
  blocks.forEach((b, i) => {
    const where = `${block(i)}.stage`;
    if (b.stage === 'layer') {
      errors.push(
        `${where}: 'layer' is not a diffusion U-Net stage (use encoder, middle or decoder)`,
      );
    } else if (b.stage === 'encoder' && phase > 0) {
      errors.push(
        `${where}: an encoder block cannot follow the middle or a decoder block; ${order}`,
      );
    } else if (b.stage === 'middle') {
      middles++;
      if (phase === 2)
        errors.push(`${where}: the middle block cannot follow a decoder block; ${order}`);
      phase = Math.max(phase, 1);
    } else if (b.stage === 'decoder') {
      if (phase === 0)
        errors.push(`${where}: a decoder block cannot come before the middle block; ${order}`);
      phase = 2;
    }
  });
  if (middles !== 1) {
    errors.push(`blocks: a diffusion model needs exactly one middle block, found ${middles}`);
  }
  return errors;
}

function classifierRules(m: ModelManifest): string[] {
  const errors: string[] = [];
  if (!m.classes) errors.push('classes: is required for a classifier');
  if (m.outputs?.logits === undefined) errors.push('outputs.logits: is required for a classifier');
  return errors;
}

function blockIndexRules(blocks: BlockInfo[]): string[] {
  const errors: string[] = [];
  blocks.forEach((b, i) => {
    if (b.index !== i + 1) {
      errors.push(
        `${block(i)}.index: must be ${i + 1} (blocks are numbered 1..n in order), found ${b.index}`,
      );
    }
    if (b.mirror !== undefined && (b.mirror > blocks.length || b.mirror === b.index)) {
      errors.push(
        `${block(i)}.mirror: must be the index of another block (1..${blocks.length}), found ${b.mirror}`,
      );
    }
  });
  return errors;
}

/** Every graph output named by the manifest (eps, logits, block outputs) is a different name. */
function uniqueOutputRules(m: ModelManifest): string[] {
  const errors: string[] = [];
  const seen = new Map<string, string>();
  const claim = (name: string | undefined, where: string): void => {
    if (name === undefined) return;
    const owner = seen.get(name);
    if (owner) errors.push(`${where}: ${show(name)} is already the output named by ${owner}`);
    else seen.set(name, where);
  };
  claim(m.outputs?.eps, 'outputs.eps');
  claim(m.outputs?.logits, 'outputs.logits');
  m.blocks.forEach((b, i) => claim(b.output, `${block(i)}.output`));
  return errors;
}

function scheduleRules(m: ModelManifest): string[] {
  const s = m.schedule;
  if (s && !(s.betaStart < s.betaEnd)) {
    return [`schedule: betaStart (${s.betaStart}) must be less than betaEnd (${s.betaEnd})`];
  }
  return [];
}

/** The semantic problems of a schema-valid manifest (empty when there are none). */
export function semanticErrors(m: ModelManifest): string[] {
  return [
    ...(m.kind === 'diffusion' ? diffusionRules(m) : classifierRules(m)),
    ...blockIndexRules(m.blocks),
    ...uniqueOutputRules(m),
    ...scheduleRules(m),
  ];
}
