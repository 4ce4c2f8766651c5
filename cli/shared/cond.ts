/**
 * `--cond NAME=INTEGER` and `--cond NAME=FILE.npy`: values for a model's conditioning inputs.
 * A class input (integer labels [B]) takes one class id for every image; a context input (float
 * [B, L, D]) takes a .npy of [L, D] (or [1, L, D]), broadcast along the batch, or [N, L, D], one
 * row per image (extract only). Every input besides the image and the timestep must get a value;
 * the message for one that does not names it and says what to give. `extract` feeds the values
 * itself (conditioningFeeds); the sweep and cka-matrix take them as the app's conditioning
 * (appConditioning), whose key and record the feature cache and exported heads use.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  conditioningFeeds as appFeeds,
  type CondChoice,
  type Conditioning,
} from '../../src/core/conditioning/conditioning';
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

/** A class input's id from its `--cond` value, checked against the input. */
function classId(input: RoledInput, spec: CondSpec): number {
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
  return id;
}

function classFeed(input: RoledInput, spec: CondSpec): CondFeed {
  const id = classId(input, spec);
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

/**
 * A context input's .npy from its `--cond` value: float [L, D], [1, L, D], or — when `n` is a
 * number of images — [n, L, D], one row per image (`n` null: one context for every image).
 */
function readContext(input: RoledInput, spec: CondSpec, n: number | null) {
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
    const rows =
      n === null
        ? ` or [1, ${ld.slice(1)} (one context for every image)`
        : ` (broadcast to every image), [1, ${ld.slice(1)} or [${n}, ${ld.slice(1)} (one per image)`;
    throw new CliError(
      `--cond ${input.name}: ${path} has shape [${shape.join(', ')}]; the input takes ${ld}${rows}`,
    );
  }
  const ld = rowShape as [number, number];
  const perImage = n !== null && shape.length === 3 && shape[0] === n && n !== 1;
  return { path, shape: [...shape], ld, perImage, data: arr.data };
}

function contextFeed(input: RoledInput, spec: CondSpec, n: number): CondFeed {
  const { path, shape, ld, perImage, data } = readContext(input, spec, n);
  const size = ld[0] * ld[1];
  return {
    name: input.name,
    role: 'context',
    record: { name: input.name, role: 'context', file: path, shape },
    tensor: (indices, rows) => {
      const out = new Float32Array(rows * size);
      for (let r = 0; r < rows; r++) {
        const i = indices[r] ?? -1;
        if (i < 0) continue; // padding rows of a fixed batch stay zero
        const src = perImage ? i : 0;
        out.set(data.subarray(src * size, (src + 1) * size), r * size);
      }
      return new ort.Tensor('float32', out, [rows, ld[0], ld[1]]);
    },
  };
}

/**
 * The conditioning inputs of `model` paired with their `--cond` values. A CliError names an
 * unknown input, one given twice, or one that gets no value (saying what to give).
 */
function pairSpecs(
  model: ResolvedModel,
  specs: readonly CondSpec[],
): { input: RoledInput; spec: CondSpec }[] {
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
  // In the model's input order, whatever the order of the flags: the same values, the same key.
  return roles.flatMap((input) => {
    const spec = specs.find((s) => s.name === input.name);
    return spec ? [{ input, spec }] : [];
  });
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
  return pairSpecs(model, specs).map(({ input, spec }) =>
    input.role === 'class' ? classFeed(input, spec) : contextFeed(input, spec, n),
  );
}

/** The sha256 of float32 values (their little-endian bytes), as the app digests a context. */
export const sha256Hex = (data: Float32Array): string =>
  createHash('sha256')
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');

/**
 * The `--cond` values as the app's conditioning (src/core/conditioning): one class id or one
 * context for every image, a context named by its file's base name and the sha256 of its
 * float32 values, as the app's model panel names a loaded one. For the sweep and cka-matrix.
 */
export function appConditioning(model: ResolvedModel, specs: readonly CondSpec[]): Conditioning {
  return pairSpecs(model, specs).map(({ input, spec }): CondChoice => {
    if (input.role === 'class') {
      return {
        kind: 'class',
        name: input.name,
        dtype: input.dtype === 'int32' ? 'int32' : 'int64',
        ...(input.classes !== undefined ? { classes: input.classes } : {}),
        id: classId(input, spec),
        ownLabel: false,
      };
    }
    const { path, ld, data } = readContext(input, spec, null);
    const values = data.slice(0, ld[0] * ld[1]);
    return {
      kind: 'context',
      name: input.name,
      shape: ld,
      source: { kind: 'file', file: basename(path), data: values, digest: sha256Hex(values) },
    };
  });
}

/** The app's conditioning feeds for a batch of `rows` as onnxruntime-node tensors. */
export function conditioningTensors(cond: Conditioning, rows: number): Record<string, ort.Tensor> {
  const feeds = appFeeds(cond, new Array<undefined>(rows));
  const out: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) {
    out[name] =
      f.type === 'int64'
        ? new ort.Tensor(
            'int64',
            BigInt64Array.from(f.data, (v) => BigInt(v)),
            f.dims,
          )
        : f.type === 'int32'
          ? new ort.Tensor('int32', Int32Array.from(f.data), f.dims)
          : new ort.Tensor('float32', f.data, f.dims);
  }
  return out;
}
