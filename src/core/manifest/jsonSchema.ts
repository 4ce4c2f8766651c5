/**
 * A small interpreter for the JSON-schema keywords diffprobe's manifest schema uses. ajv cannot
 * run under the app's Content-Security-Policy (it compiles validators with `new Function`), so
 * this walks the schema instead. Any other keyword throws, so a schema change that needs more is
 * noticed rather than silently ignored. Errors are plain sentences prefixed by a JSON path,
 * e.g. `blocks[3].channels: must be an integer ≥ 1`.
 */

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: JsonType;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description']);
const KEYWORDS = new Set([
  'type',
  'required',
  'properties',
  'additionalProperties',
  'const',
  'enum',
  'pattern',
  'minimum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'minItems',
  'maxItems',
  'items',
]);

/** Throws if the schema (recursively) uses a keyword this interpreter does not implement. */
export function assertSupportedSchema(schema: JsonSchema, path = '#'): void {
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) {
      throw new Error(`JSON schema ${path}: unsupported keyword '${key}'`);
    }
  }
  if (
    schema.additionalProperties !== undefined &&
    typeof schema.additionalProperties !== 'boolean'
  ) {
    throw new Error(`JSON schema ${path}: additionalProperties must be true or false here`);
  }
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    assertSupportedSchema(sub, `${path}/properties/${key}`);
  }
  if (schema.items) assertSupportedSchema(schema.items, `${path}/items`);
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a.b`, `a[3]`, or `a["odd key"]`; the root is the empty path. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

const at = (path: string): string => path || '(root)';

/** A value as it appears in messages: strings in single quotes. */
export const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

const NOUN: Record<JsonType, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

function hasType(v: unknown, type: JsonType): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/** What a scalar schema asks for, in words: "an integer ≥ 1", "one of 'a', 'b'". */
export function describeSchema(s: JsonSchema): string {
  if (Object.hasOwn(s, 'const')) return show(s.const);
  if (s.enum) return `one of ${s.enum.map(show).join(', ')}`;
  let text = s.type ? NOUN[s.type] : 'a value';
  if (s.minLength !== undefined) {
    text =
      s.minLength === 1 ? 'a non-empty string' : `a string of at least ${s.minLength} characters`;
  }
  const bounds: string[] = [];
  if (s.minimum !== undefined) bounds.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  if (bounds.length) text += ` ${bounds.join(' and ')}`;
  if (s.pattern !== undefined) text += ` matching ${s.pattern}`;
  return text;
}

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    patterns.set(pattern, re);
  }
  return re;
}

function scalarOk(v: unknown, s: JsonSchema): boolean {
  if (Object.hasOwn(s, 'const') && !deepEqual(v, s.const)) return false;
  if (s.enum && !s.enum.some((e) => deepEqual(v, e))) return false;
  if (s.type && !hasType(v, s.type)) return false;
  if (typeof v === 'number') {
    if (s.minimum !== undefined && !(v >= s.minimum)) return false;
    if (s.exclusiveMinimum !== undefined && !(v > s.exclusiveMinimum)) return false;
    if (s.exclusiveMaximum !== undefined && !(v < s.exclusiveMaximum)) return false;
  }
  if (typeof v === 'string') {
    if (s.minLength !== undefined && [...v].length < s.minLength) return false;
    if (s.pattern !== undefined && !regex(s.pattern).test(v)) return false;
  }
  return true;
}

/** All the ways `value` breaks `schema`, as `path: problem` sentences (empty when valid). */
export function validateAgainstSchema(value: unknown, schema: JsonSchema, path = ''): string[] {
  if (schema.type === 'object') {
    if (!isPlainObject(value)) return [`${at(path)}: must be an object`];
    const errors: string[] = [];
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(value, key)) errors.push(`${childPath(path, key)}: is required`);
    }
    const props = schema.properties ?? {};
    if (schema.additionalProperties === false) {
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(props, key))
          errors.push(`${childPath(path, key)}: is not a known property`);
      }
    }
    for (const [key, sub] of Object.entries(props)) {
      if (Object.hasOwn(value, key))
        errors.push(...validateAgainstSchema(value[key], sub, childPath(path, key)));
    }
    return errors;
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return [`${at(path)}: must be an array`];
    const errors: string[] = [];
    const { minItems: lo, maxItems: hi } = schema;
    const plural = (k: number): string => `${k} item${k === 1 ? '' : 's'}`;
    if (lo !== undefined && hi !== undefined && (value.length < lo || value.length > hi)) {
      errors.push(
        `${at(path)}: must have ${lo === hi ? `exactly ${plural(lo)}` : `${lo} to ${hi} items`}, found ${value.length}`,
      );
    } else if (lo !== undefined && value.length < lo) {
      errors.push(`${at(path)}: must have at least ${plural(lo)}, found ${value.length}`);
    } else if (hi !== undefined && value.length > hi) {
      errors.push(`${at(path)}: must have at most ${plural(hi)}, found ${value.length}`);
    }
    const items = schema.items;
    if (items)
      value.forEach((v, i) => errors.push(...validateAgainstSchema(v, items, childPath(path, i))));
    return errors;
  }
  return scalarOk(value, schema) ? [] : [`${at(path)}: must be ${describeSchema(schema)}`];
}
