/**
 * The conditioning as JSON, for files that must carry the values themselves (a headless sweep's
 * plan, read by workers on other machines): a class choice as it is, a loaded context's values
 * as base64 float32 next to their digest. `conditioningFromJson` checks what it reads.
 */
import { base64ToFloat32, float32ToBase64 } from '../heads/base64';
import {
  conditioningRecord,
  type ClassChoice,
  type ConditioningRecord,
  type Conditioning,
  type ContextChoice,
} from './conditioning';

export type ContextJson = Omit<ContextChoice, 'source'> & {
  source: { kind: 'zeros' } | { kind: 'file'; file: string; digest: string; values: string };
};

export type CondChoiceJson = ClassChoice | ContextJson;

export function conditioningToJson(cond: Conditioning): CondChoiceJson[] {
  return cond.map((c) => {
    if (c.kind === 'class' || c.source.kind === 'zeros') return c as CondChoiceJson;
    const { file, digest, data } = c.source;
    return { ...c, source: { kind: 'file', file, digest, values: float32ToBase64(data) } };
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** The conditioning of a JSON form; a RangeError says what is wrong. */
export function conditioningFromJson(json: unknown): Conditioning {
  if (!Array.isArray(json)) throw new RangeError('the conditioning must be a list');
  return json.map((raw: unknown): Conditioning[number] => {
    const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = c.name;
    if (typeof name !== 'string' || !name)
      throw new RangeError('a conditioning input needs a name');
    if (c.kind === 'class') {
      if (!isCount(c.id) || c.id < 0 || (c.dtype !== 'int64' && c.dtype !== 'int32'))
        throw new RangeError(
          `conditioning '${name}': a class needs an id ≥ 0 and an integer dtype`,
        );
      if (c.classes !== undefined && (!isCount(c.classes) || c.id >= c.classes))
        throw new RangeError(`conditioning '${name}': class ${c.id} is out of range`);
      return {
        kind: 'class',
        name,
        dtype: c.dtype,
        ...(c.classes !== undefined ? { classes: c.classes } : {}),
        id: c.id,
        ownLabel: c.ownLabel === true,
      };
    }
    const shape = c.shape;
    if (
      c.kind !== 'context' ||
      !Array.isArray(shape) ||
      shape.length !== 2 ||
      !shape.every(isCount)
    )
      throw new RangeError(`conditioning '${name}': neither a class nor a context of shape [L, D]`);
    const ld: [number, number] = [shape[0] as number, shape[1] as number];
    const src = (c.source ?? {}) as Record<string, unknown>;
    if (src.kind === 'zeros')
      return { kind: 'context', name, shape: ld, source: { kind: 'zeros' } };
    const { file, digest, values } = src;
    if (
      src.kind !== 'file' ||
      typeof file !== 'string' ||
      typeof digest !== 'string' ||
      typeof values !== 'string'
    )
      throw new RangeError(`conditioning '${name}': a context needs zeros or a file's values`);
    const data = base64ToFloat32(values);
    if (data.length !== ld[0] * ld[1])
      throw new RangeError(
        `conditioning '${name}': ${data.length} values do not fill [${ld.join(', ')}]`,
      );
    return { kind: 'context', name, shape: ld, source: { kind: 'file', file, digest, data } };
  });
}

/** What exported heads record of a JSON form's conditioning (the file's name and digest). */
export function recordOfJson(json: unknown): ConditioningRecord[] {
  return conditioningRecord(conditioningFromJson(json));
}
