/**
 * The app's conditioning: what it feeds a model's class and context inputs. A class input gets
 * one class id for every image (the image's own label only when the user turns that on); a
 * context input gets zeros or a loaded [L, D] array, broadcast along the batch. Pure: feeds,
 * the feature-cache key part and the words that describe it.
 */
import type { ConditioningInput, ModelManifest } from '../manifest/types';
import type { NpyArray } from '../npy';

export interface ClassChoice {
  kind: 'class';
  name: string;
  dtype: 'int64' | 'int32';
  /** The class count, when the manifest states it. */
  classes?: number;
  /** The class fed to every image. */
  id: number;
  /** Feed each image's own label instead (leaks the label into the features). */
  ownLabel: boolean;
}

export interface ContextChoice {
  kind: 'context';
  name: string;
  /** Per-sample shape [L, D]. */
  shape: [number, number];
  source:
    | { kind: 'zeros' }
    | {
        kind: 'file';
        file: string;
        data: Float32Array;
        /** hex digest of the values */ digest: string;
      };
}

export type CondChoice = ClassChoice | ContextChoice;

/** One choice per conditioning input; empty for an unconditional model. */
export type Conditioning = CondChoice[];

/** A feed as the model runtime takes it (integer ids travel as floats with their dtype). */
export interface CondFeed {
  data: Float32Array;
  dims: number[];
  type: 'float32' | 'int64' | 'int32';
}

/** The conditioning inputs of a manifest the app can fill (class, and context with a shape). */
export function fillableInputs(
  manifest: Pick<ModelManifest, 'inputs'> | null | undefined,
): ConditioningInput[] {
  return (manifest?.inputs.conditioning ?? []).filter(
    (c) => c.role === 'class' || (c.role === 'context' && c.shape?.length === 2),
  );
}

/** Class 0 for every image, zeros for every context: the choice a model starts with. */
export function defaultConditioning(
  manifest: Pick<ModelManifest, 'inputs'> | null | undefined,
): Conditioning {
  return fillableInputs(manifest).map((c): CondChoice => {
    if (c.role === 'class') {
      return {
        kind: 'class',
        name: c.name,
        dtype: c.dtype === 'int32' ? 'int32' : 'int64',
        ...(c.classes ? { classes: c.classes } : {}),
        id: 0,
        ownLabel: false,
      };
    }
    const [l, d] = c.shape as [number, number];
    return { kind: 'context', name: c.name, shape: [l, d], source: { kind: 'zeros' } };
  });
}

/**
 * The feeds for a batch of `labels.length` images; `labels[i]` is image i's own label (used
 * only where the user chose it). Throws a RangeError for a class out of range or a missing label.
 */
export function conditioningFeeds(
  cond: Conditioning,
  labels: readonly (number | undefined)[],
): Record<string, CondFeed> {
  const n = labels.length;
  const feeds: Record<string, CondFeed> = {};
  for (const c of cond) {
    if (c.kind === 'class') {
      const ids = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const id = c.ownLabel ? labels[i] : c.id;
        if (id === undefined) {
          throw new RangeError(
            `input '${c.name}' is set to each image's own label, but an image has no label; pick one class for every image`,
          );
        }
        checkClass(c, id);
        ids[i] = id;
      }
      feeds[c.name] = { data: ids, dims: [n], type: c.dtype };
    } else {
      const [l, d] = c.shape;
      const data = new Float32Array(n * l * d);
      if (c.source.kind === 'file') {
        for (let i = 0; i < n; i++) data.set(c.source.data, i * l * d);
      }
      feeds[c.name] = { data, dims: [n, l, d], type: 'float32' };
    }
  }
  return feeds;
}

function checkClass(c: ClassChoice, id: number): void {
  const max = c.classes !== undefined ? c.classes - 1 : undefined;
  if (!Number.isInteger(id) || id < 0 || (max !== undefined && id > max)) {
    throw new RangeError(
      `class ${id} is out of range for input '${c.name}' (${max !== undefined ? `0..${max}` : '≥ 0'})`,
    );
  }
}

/** The part of the feature-cache key that tells conditionings apart ('' when there is none). */
export function conditioningKey(cond: Conditioning): string {
  return cond
    .map((c) => {
      if (c.kind === 'class') return `|${c.name}=${c.ownLabel ? 'own' : `c${c.id}`}`;
      return `|${c.name}=${c.source.kind === 'zeros' ? 'zeros' : `f${c.source.digest.slice(0, 16)}`}`;
    })
    .join('');
}

/** In words, for the model panel and exported heads: "y: class 3; ctx: zeros [2, 3]". */
export function describeConditioning(cond: Conditioning): string {
  if (!cond.length) return 'none';
  return cond
    .map((c) => {
      if (c.kind === 'class') {
        return `${c.name}: ${c.ownLabel ? "each image's own label" : `class ${c.id}`}`;
      }
      const shape = `[${c.shape.join(', ')}]`;
      return `${c.name}: ${c.source.kind === 'zeros' ? `zeros ${shape}` : `${c.source.file} ${shape}`}`;
    })
    .join('; ');
}

/** One conditioning input as exported heads record it (a context's digest, not its values). */
export interface ConditioningRecord {
  name: string;
  role: string;
  class?: number | 'own-label';
  context?: string;
  digest?: string;
}

/** What exported heads record of the conditioning. */
export function conditioningRecord(cond: Conditioning): ConditioningRecord[] {
  return cond.map((c) =>
    c.kind === 'class'
      ? { name: c.name, role: 'class', class: c.ownLabel ? ('own-label' as const) : c.id }
      : c.source.kind === 'zeros'
        ? { name: c.name, role: 'context', context: 'zeros' }
        : { name: c.name, role: 'context', context: c.source.file, digest: c.source.digest },
  );
}

/** The conditioning a head was trained with, in words ("y: class 3", "no conditioning"). */
export function describeConditioningRecord(records: readonly ConditioningRecord[]): string {
  if (records.length === 0) return 'no conditioning';
  return records
    .map((r) =>
      r.role === 'class'
        ? `${r.name}: ${r.class === 'own-label' ? "each image's own label" : `class ${r.class}`}`
        : `${r.name}: ${r.context ?? 'zeros'}`,
    )
    .join(', ');
}

/** Whether two records describe the same conditioning (same inputs, values and files). */
export function sameConditioning(
  a: readonly ConditioningRecord[],
  b: readonly ConditioningRecord[],
): boolean {
  const key = (r: ConditioningRecord) =>
    JSON.stringify([r.name, r.role, r.class ?? null, r.context ?? null, r.digest ?? null]);
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

/**
 * The context values of a loaded .npy for an input of per-sample shape `want` ([L, D] or
 * [1, L, D], float), or a message that says what was wrong.
 */
export function contextValues(
  arr: NpyArray,
  want: readonly [number, number],
  file: string,
): { ok: true; data: Float32Array } | { ok: false; message: string } {
  const shape = arr.shape.length === 3 && arr.shape[0] === 1 ? arr.shape.slice(1) : arr.shape;
  const ld = `[${want.join(', ')}]`;
  if (shape.length !== 2 || shape[0] !== want[0] || shape[1] !== want[1]) {
    return {
      ok: false,
      message: `${file} has shape [${arr.shape.join(', ')}]; this model's context takes ${ld} (or [1, ${ld.slice(1)}). The context stays as it was.`,
    };
  }
  if (arr.dtype !== 'float32' && arr.dtype !== 'float16' && arr.dtype !== 'float64') {
    return {
      ok: false,
      message: `${file} holds ${arr.dtype} values; the context takes floats. The context stays as it was.`,
    };
  }
  return { ok: true, data: Float32Array.from(arr.data as Float32Array | Float64Array) };
}
