/**
 * The role of every input of a model: `sample` (the noised image x), `timestep` (t), `class`
 * (integer labels), `context` (float [B, L, D], e.g. text-encoder states) or `other`. With a
 * manifest the roles are the manifest's; without one they are guessed from names, dtypes and
 * ranks. `unfillable` lists the inputs a caller cannot feed, each with a message that names the
 * input and says what to supply.
 */
import type { Dim, OnnxGraph } from '../onnx/proto';
import type { ConditioningInput, InputRole, ModelManifest } from './types';

/** One real graph input (not an initializer) as the graph declares it. */
export interface GraphInput {
  name: string;
  dtype: string;
  shape: readonly Dim[] | undefined;
}

export interface RoledInput extends GraphInput {
  role: InputRole;
  /** role class: the class count, when known. */
  classes?: number;
  /** role context: the per-sample shape [L, D], when known. */
  contextShape?: number[];
}

/** The graph's real inputs (an input that is also an initializer has a default: skipped). */
export function graphInputs(graph: OnnxGraph): GraphInput[] {
  const inits = new Set(graph.initializers.map((t) => t.name));
  return graph.inputs
    .filter((i) => !inits.has(i.name))
    .map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape }));
}

const INTEGER = new Set(['int64', 'int32', 'int16', 'int8', 'uint8']);
const FLOAT = new Set(['float32', 'float16', 'float64', 'bfloat16']);
const CLASS_NAMES = /^(y|label|labels|class|classes|class_labels|class_ids?)$/i;

function numericDims(shape: readonly Dim[] | undefined): number[] | undefined {
  if (!shape) return undefined;
  const dims = shape.map((d) => (typeof d === 'number' && d > 0 ? d : NaN));
  return dims.every((d) => Number.isFinite(d)) ? dims : undefined;
}

/** The role of an input nothing declares: guessed from its dtype, rank and name. */
function guessRole(i: GraphInput): Omit<RoledInput, keyof GraphInput> {
  const rank = i.shape?.length;
  if (INTEGER.has(i.dtype) && (rank === 1 || (rank === undefined && CLASS_NAMES.test(i.name)))) {
    return { role: 'class' };
  }
  if (FLOAT.has(i.dtype) && rank === 3) {
    const ld = numericDims(i.shape?.slice(1));
    return ld ? { role: 'context', contextShape: ld } : { role: 'context' };
  }
  return { role: 'other' };
}

function declared(c: ConditioningInput): Omit<RoledInput, keyof GraphInput> {
  if (c.role === 'class')
    return c.classes ? { role: 'class', classes: c.classes } : { role: 'class' };
  if (c.role === 'context')
    return c.shape ? { role: 'context', contextShape: c.shape } : { role: 'context' };
  return { role: 'other' };
}

/**
 * Roles of `inputs`. `image` and `timestep` name the sample and timestep inputs when there is no
 * manifest (the block proposal finds them); with a manifest its x, t and conditioning decide,
 * and an input the manifest does not mention is `other`.
 */
export function assignRoles(
  inputs: readonly GraphInput[],
  manifest: ModelManifest | undefined,
  found: { image?: string; timestep?: string } = {},
): RoledInput[] {
  const cond = new Map((manifest?.inputs.conditioning ?? []).map((c) => [c.name, c]));
  const x = manifest ? manifest.inputs.x : found.image;
  const t = manifest ? manifest.inputs.t : found.timestep;
  return inputs.map((i) => {
    if (i.name === x) return { ...i, role: 'sample' };
    if (i.name === t) return { ...i, role: 'timestep' };
    const c = cond.get(i.name);
    if (c) return { ...i, ...declared(c) };
    return { ...i, ...(manifest ? { role: 'other' as const } : guessRole(i)) };
  });
}

/** "int64 [batch]" / "float32 [B, 77, 768]" / "float32 (shape not stated)". */
export function describeInput(i: GraphInput): string {
  if (!i.shape) return `${i.dtype} (shape not stated)`;
  return `${i.dtype} [${i.shape.map((d) => (d === null || d === '' ? '?' : String(d))).join(', ')}]`;
}

/** Who would fill the input: the app (class picker, context file) or the CLI (--cond). */
export type Filler = 'app' | 'cli';

/** What to supply for `i`, in words, for the given filler. */
export function whatToSupply(i: RoledInput, filler: Filler): string {
  const classes = i.classes ? `a class id in 0..${i.classes - 1}` : 'an integer class id';
  const ld = i.contextShape ? `[${i.contextShape.join(', ')}]` : '[L, D]';
  if (i.role === 'class') {
    return filler === 'cli'
      ? `give --cond ${i.name}=INTEGER (${classes})`
      : `it takes class labels (${classes}); pick the class in the model panel`;
  }
  if (i.role === 'context') {
    return filler === 'cli'
      ? `give --cond ${i.name}=FILE.npy (float32 ${ld}, or [N, ${ld.slice(1)})`
      : `it takes context states (float ${ld}) of a shape the graph does not state; declare it in manifest.json (inputs.conditioning, role context, shape [L, D]) or run the model with the CLI: diffprobe extract … --cond ${i.name}=FILE.npy`;
  }
  return 'diffprobe cannot fill it: export the model without this input (or with a default value inside the graph), or declare it in manifest.json under inputs.conditioning as a class or context input';
}

/** The inputs a filler cannot feed (with `provided`: the names it was given values for). */
export function unfillable(
  roles: readonly RoledInput[],
  filler: Filler,
  provided: ReadonlySet<string> = new Set(),
): RoledInput[] {
  return roles.filter((r) => {
    if (r.role === 'sample' || r.role === 'timestep') return false;
    if (r.role === 'other') return true;
    // The app fills a class input (the class picker) and a context input of known shape.
    if (filler === 'app') return r.role === 'context' && r.contextShape?.length !== 2;
    return !provided.has(r.name);
  });
}

/** One message for all unfillable inputs, each named with its dtype, shape, role and remedy. */
export function unfillableMessage(
  model: string,
  missing: readonly RoledInput[],
  filler: Filler,
): string {
  const parts = missing.map(
    (i) => `input '${i.name}' (${describeInput(i)}, role ${i.role}): ${whatToSupply(i, filler)}`,
  );
  const n = missing.length === 1 ? 'an input' : `${missing.length} inputs`;
  return `${model} has ${n} that nothing fills — ${parts.join('; ')}.`;
}
