/**
 * `--cond NAME=INTEGER` and `--cond NAME=FILE.npy`: values for a model's conditioning inputs.
 * A class input (integer labels [B]) takes one class id for every image; a context input (float
 * [B, L, D]) takes a .npy of [L, D] (or [1, L, D]), broadcast along the batch, or [N, L, D], one
 * row per image. Every input besides the image and the timestep must get a value; the message
 * for one that does not names it and says what to give.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import {
  assignRoles,
  describeInput,
  graphInputs,
  unfillable,
  unfillableMessage,
  type RoledInput,
} from '../../src/core/manifest/inputRoles';
import { NpyError, parseNpy } from '../../src/core/npy';
import { show } from './args';
import { CliError } from './errors';
import type { ResolvedModel } from './model';

export interface CondSpec {
  name: string;
  value: { kind: 'int'; value: number } | { kind: 'file'; path: string };
}

/** Reads one `--cond` value: NAME=INTEGER or NAME=FILE.npy. */
export function parseCondArg(value: string | undefined): CondSpec {
  const m = value === undefined ? null : /^([^=]+)=(.+)$/.exec(value);
  if (!m) {
    throw new CliError(
      `--cond needs NAME=INTEGER or NAME=FILE.npy, got ${value === undefined ? 'nothing' : show(value)}`,
    );
  }
  const [, name, v] = m as unknown as [string, string, string];
  if (/^[+-]?\d+$/.test(v)) {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new CliError(`--cond ${name}: ${v} is too large`);
    return { name, value: { kind: 'int', value: n } };
  }
  if (!v.toLowerCase().endsWith('.npy')) {
    throw new CliError(`--cond ${name}: ${show(v)} is neither an integer nor a .npy file`);
  }
  return { name, value: { kind: 'file', path: v } };
}

/** How one conditioning input is fed, and what index.json records of it. */
export interface CondFeed {
  name: string;
  role: 'class' | 'context';
  record: { name: string; role: string; class?: number; file?: string; shape?: number[] };
  /** The tensor for a batch: `indices` are the images' rows (−1: padding), `rows` its size. */
  tensor(indices: readonly number[], rows: number): ort.Tensor;
}

function classFeed(input: RoledInput, spec: CondSpec): CondFeed {
  if (spec.value.kind !== 'int') {
    throw new CliError(
      `--cond ${input.name}: a class input takes one class id (--cond ${input.name}=INTEGER)`,
    );
  }
  const id = spec.value.value;
  const max = input.classes !== undefined ? input.classes - 1 : undefined;
  if (id < 0 || (max !== undefined && id > max)) {
    throw new CliError(
      `--cond ${input.name}=${id}: class id out of range (${max !== undefined ? `0..${max}` : '≥ 0'})`,
    );
  }
  if (input.dtype !== 'int64' && input.dtype !== 'int32') {
    throw new CliError(`--cond ${input.name}: cannot feed class ids to a ${input.dtype} input`);
  }
  return {
    name: input.name,
    role: 'class',
    record: { name: input.name, role: 'class', class: id },
    tensor: (_indices, rows) =>
      input.dtype === 'int64'
        ? new ort.Tensor('int64', new BigInt64Array(rows).fill(BigInt(id)), [rows])
        : new ort.Tensor('int32', new Int32Array(rows).fill(id), [rows]),
  };
}

function contextFeed(input: RoledInput, spec: CondSpec, n: number): CondFeed {
  if (spec.value.kind !== 'file') {
    throw new CliError(
      `--cond ${input.name}: a context input takes a .npy file (--cond ${input.name}=FILE.npy)`,
    );
  }
  const path = spec.value.path;
  let arr;
  try {
    arr = parseNpy(new Uint8Array(readFileSync(path)));
  } catch (e) {
    const why = e instanceof NpyError ? e.message : (e as Error).message;
    throw new CliError(`--cond ${input.name}: ${path}: ${why}`);
  }
  if (arr.dtype !== 'float32' && arr.dtype !== 'float16') {
    throw new CliError(`--cond ${input.name}: ${path} holds ${arr.dtype}; give float32 values`);
  }
  if (input.dtype !== 'float32') {
    throw new CliError(`--cond ${input.name}: cannot feed a ${input.dtype} input (float32 only)`);
  }
  const shape = arr.shape;
  const rowShape = shape.length === 3 ? shape.slice(1) : shape;
  const want = input.contextShape;
  const wrong =
    rowShape.length !== 2 || (want !== undefined && rowShape.join(',') !== want.join(','));
  if (wrong || (shape.length === 3 && shape[0] !== 1 && shape[0] !== n)) {
    const ld = want ? `[${want.join(', ')}]` : '[L, D]';
    throw new CliError(
      `--cond ${input.name}: ${path} has shape [${shape.join(', ')}]; the input takes ${ld} ` +
        `(broadcast to every image), [1, ${ld.slice(1)} or [${n}, ${ld.slice(1)} (one per image)`,
    );
  }
  const perImage = shape.length === 3 && shape[0] === n && n !== 1;
  const size = rowShape[0]! * rowShape[1]!;
  return {
    name: input.name,
    role: 'context',
    record: { name: input.name, role: 'context', file: path, shape: [...shape] },
    tensor: (indices, rows) => {
      const out = new Float32Array(rows * size);
      for (let r = 0; r < rows; r++) {
        const i = indices[r] ?? -1;
        if (i < 0) continue; // padding rows of a fixed batch stay zero
        const src = perImage ? i : 0;
        out.set(arr.data.subarray(src * size, (src + 1) * size), r * size);
      }
      return new ort.Tensor('float32', out, [rows, rowShape[0]!, rowShape[1]!]);
    },
  };
}

/**
 * The feeds for `model`'s conditioning inputs from the `--cond` values; `n` is the number of
 * images. A CliError names an input that gets no value, or a value that does not fit.
 */
export function conditioningFeeds(
  model: ResolvedModel,
  specs: readonly CondSpec[],
  n: number,
): CondFeed[] {
  const roles = assignRoles(graphInputs(model.model.graph), model.manifest, {
    image: model.image.name,
    timestep: model.timestep.name,
  });
  const byName = new Map(roles.map((r) => [r.name, r]));
  const seen = new Set<string>();
  for (const s of specs) {
    const r = byName.get(s.name);
    if (!r || r.role === 'sample' || r.role === 'timestep') {
      const conds = roles.filter((x) => x.role !== 'sample' && x.role !== 'timestep');
      const list = conds.length
        ? conds.map((x) => `${x.name} (${x.role}, ${describeInput(x)})`).join(', ')
        : 'none';
      throw new CliError(
        `--cond ${s.name}: the model has no conditioning input of that name (it has: ${list})`,
      );
    }
    if (seen.has(s.name)) throw new CliError(`--cond ${s.name}: given twice`);
    seen.add(s.name);
  }
  const missing = unfillable(roles, 'cli', seen);
  if (missing.length) throw new CliError(unfillableMessage(model.path, missing, 'cli'));
  return specs.map((s) => {
    const input = byName.get(s.name)!;
    return input.role === 'class' ? classFeed(input, s) : contextFeed(input, s, n);
  });
}
