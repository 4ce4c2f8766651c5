/** Structural mutations of a JSON document: a value replaced or removed at any path. */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (a list of keys and indices) to a value in `doc`, the root included. */
function paths(doc: Json, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...at, i], out));
  else if (doc !== null && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) paths(v, [...at, k], out);
  return out;
}

/** Values that break validators: wrong types, edges of numbers, long and odd strings. */
const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53, 0.5, '', [], {}),
  fc.integer() as fc.Arbitrary<Json>,
  fc.double().filter(Number.isFinite) as fc.Arbitrary<Json>,
  fc.string({ maxLength: 40 }) as fc.Arbitrary<Json>,
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

type Edit = { pathIndex: number; value: Json | undefined };

function setAt(doc: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    if (value === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number]!, rest, value);
    return copy;
  }
  const obj = { ...(doc as { [key: string]: Json }) };
  if (value === undefined && rest.length === 0) delete obj[head as string];
  else obj[head as string] = setAt(obj[head as string]!, rest, value);
  return obj;
}

/** `doc` with 1 to `max` values replaced or removed. */
export function mutatedJson(doc: unknown, max = 3): fc.Arbitrary<unknown> {
  const edit: fc.Arbitrary<Edit> = fc.record({
    pathIndex: fc.nat(),
    value: fc.option(hostile, { nil: undefined, freq: 4 }),
  });
  return fc.array(edit, { minLength: 1, maxLength: max }).map((edits) =>
    edits.reduce<Json>((d, e) => {
      const all = paths(d);
      return setAt(d, all[e.pathIndex % all.length]!, e.value);
    }, doc as Json),
  );
}
