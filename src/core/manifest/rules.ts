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

/** linear needs betaStart < betaEnd and no cosine fields; cosine takes no betaStart/betaEnd. */
function scheduleRules(m: ModelManifest): string[] {
  const s = m.schedule;
  if (!s) return [];
  const has = (k: string): boolean => k in s;
  const errors: string[] = [];
  if (s.kind === 'linear') {
    for (const k of ['betaStart', 'betaEnd']) {
      if (!has(k)) errors.push(`schedule.${k}: is required for a linear schedule`);
    }
    for (const k of ['s', 'maxBeta']) {
      if (has(k)) errors.push(`schedule.${k}: belongs to a cosine schedule, not a linear one`);
    }
    if (!errors.length && !(s.betaStart < s.betaEnd)) {
      errors.push(`schedule: betaStart (${s.betaStart}) must be less than betaEnd (${s.betaEnd})`);
    }
  } else {
    for (const k of ['betaStart', 'betaEnd']) {
      if (has(k))
        errors.push(`schedule.${k}: a cosine schedule has no ${k} (its betas follow ᾱ(t))`);
    }
  }
  return errors;
}

/** Conditioning inputs: distinct names other than x and t; class needs an integer dtype and
 * its class count; context a float dtype and its [L, D]. */
function conditioningRules(m: ModelManifest): string[] {
  const errors: string[] = [];
  const taken = new Set([m.inputs.x, ...(m.inputs.t !== undefined ? [m.inputs.t] : [])]);
  (m.inputs.conditioning ?? []).forEach((c, i) => {
    const where = `inputs.conditioning[${i}]`;
    if (taken.has(c.name)) errors.push(`${where}.name: ${show(c.name)} is already an input above`);
    taken.add(c.name);
    const integer = c.dtype === 'int64' || c.dtype === 'int32';
    if (c.role === 'class') {
      if (!integer) errors.push(`${where}.dtype: class labels are integers (int64 or int32)`);
      if (c.classes === undefined) errors.push(`${where}.classes: is required for a class input`);
    } else if (c.role === 'context') {
      if (integer) errors.push(`${where}.dtype: a context input is float (float32 or float16)`);
      if (c.shape?.length !== 2) {
        errors.push(`${where}.shape: a context input needs its per-sample shape [L, D]`);
      }
    }
    if (c.role !== 'class' && c.classes !== undefined) {
      errors.push(`${where}.classes: only a class input has a class count`);
    }
  });
  return errors;
}

/** An encoder is a different file from the model, and only a diffusion U-Net takes latents. */
function encoderRules(m: ModelManifest): string[] {
  const e = m.encoder;
  if (!e) return [];
  const errors: string[] = [];
  if (e.file === m.file) errors.push(`encoder.file: ${show(e.file)} is the model file itself`);
  if (m.kind !== 'diffusion') errors.push('encoder: only a diffusion model takes latents');
  return errors;
}

/** The semantic problems of a schema-valid manifest (empty when there are none). */
export function semanticErrors(m: ModelManifest): string[] {
  return [
    ...conditioningRules(m),
    ...(m.kind === 'diffusion' ? diffusionRules(m) : classifierRules(m)),
    ...blockIndexRules(m.blocks),
    ...uniqueOutputRules(m),
    ...scheduleRules(m),
    ...encoderRules(m),
  ];
}
