import { describe, expect, it } from 'vitest';
import {
  assertSupportedSchema,
  childPath,
  describeSchema,
  validateAgainstSchema,
  type JsonSchema,
} from './jsonSchema';

const check = (value: unknown, schema: JsonSchema): string[] =>
  validateAgainstSchema(value, schema, 'x');

describe('validateAgainstSchema', () => {
  it('type', () => {
    expect(check('a', { type: 'string' })).toEqual([]);
    expect(check(1, { type: 'string' })).toEqual(['x: must be a string']);
    expect(check(1.5, { type: 'integer' })).toEqual(['x: must be an integer']);
    expect(check(2, { type: 'integer' })).toEqual([]);
    expect(check(Number.NaN, { type: 'number' })).toEqual(['x: must be a number']);
    expect(check([], { type: 'object' })).toEqual(['x: must be an object']);
    expect(check(null, { type: 'object' })).toEqual(['x: must be an object']);
    expect(check({}, { type: 'array' })).toEqual(['x: must be an array']);
    expect(validateAgainstSchema(3, { type: 'object' })).toEqual(['(root): must be an object']);
  });

  it('const and enum', () => {
    expect(check(1, { const: 1 })).toEqual([]);
    expect(check(2, { const: 1 })).toEqual(['x: must be 1']);
    expect(check('b', { enum: ['a', 'c'] })).toEqual(["x: must be one of 'a', 'c'"]);
    expect(check(3, { enum: [1, 3] })).toEqual([]);
  });

  it('minimum, exclusiveMinimum, exclusiveMaximum (combined with the type in one message)', () => {
    const s: JsonSchema = { type: 'integer', minimum: 1 };
    expect(check(1, s)).toEqual([]);
    expect(check(0, s)).toEqual(['x: must be an integer ≥ 1']);
    expect(check('3', s)).toEqual(['x: must be an integer ≥ 1']);
    expect(check(0, { type: 'number', exclusiveMinimum: 0 })).toEqual(['x: must be a number > 0']);
    expect(check(1e-9, { type: 'number', exclusiveMinimum: 0 })).toEqual([]);
    expect(check(1, { type: 'number', exclusiveMaximum: 1 })).toEqual(['x: must be a number < 1']);
  });

  it('minLength and pattern (unanchored unless the pattern anchors itself)', () => {
    expect(check('', { type: 'string', minLength: 1 })).toEqual(['x: must be a non-empty string']);
    expect(check('é', { type: 'string', minLength: 2 })).toEqual([
      'x: must be a string of at least 2 characters',
    ]);
    expect(check('ab1', { type: 'string', pattern: '\\d' })).toEqual([]);
    expect(check('AB', { type: 'string', pattern: '^[a-z]+$' })).toEqual([
      'x: must be a string matching ^[a-z]+$',
    ]);
  });

  it('objects: required, additionalProperties: false, nested paths', () => {
    const s: JsonSchema = {
      type: 'object',
      required: ['a', 'b'],
      additionalProperties: false,
      properties: {
        a: { type: 'string' },
        b: { type: 'object', properties: { c: { type: 'integer' } } },
      },
    };
    expect(check({ a: 's', b: { c: 2, extra: 1 } }, s)).toEqual([]); // b allows extras
    expect(check({ b: { c: 'no' }, z: 1, 'odd key': 2 }, s)).toEqual([
      'x.a: is required',
      'x.z: is not a known property',
      'x["odd key"]: is not a known property',
      'x.b.c: must be an integer',
    ]);
    // keys inherited from Object.prototype are neither present nor known
    expect(check({ a: 's', b: {}, constructor: 1 }, s)).toEqual([
      'x.constructor: is not a known property',
    ]);
    expect(check(JSON.parse('{"a": "s", "b": {}, "__proto__": 1}'), s)).toEqual([
      'x.__proto__: is not a known property',
    ]);
  });

  it('arrays: minItems, maxItems, items with indexed paths', () => {
    const pair: JsonSchema = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };
    expect(check([0, 1], pair)).toEqual([]);
    expect(check([0], pair)).toEqual(['x: must have exactly 2 items, found 1']);
    expect(check([0, 'a', 2], pair)).toEqual([
      'x: must have exactly 2 items, found 3',
      'x[1]: must be a number',
    ]);
    expect(check([], { type: 'array', minItems: 1 })).toEqual([
      'x: must have at least 1 item, found 0',
    ]);
    expect(check([1, 2, 3], { type: 'array', maxItems: 2 })).toEqual([
      'x: must have at most 2 items, found 3',
    ]);
    expect(check([1, 2, 3, 4, 5], { type: 'array', minItems: 1, maxItems: 4 })).toEqual([
      'x: must have 1 to 4 items, found 5',
    ]);
  });
});

describe('schema support', () => {
  it('rejects keywords it does not implement', () => {
    expect(() =>
      assertSupportedSchema({ type: 'object', properties: { a: { maxLength: 3 } as JsonSchema } }),
    ).toThrow("JSON schema #/properties/a: unsupported keyword 'maxLength'");
    expect(() => assertSupportedSchema({ additionalProperties: {} as boolean })).toThrow(
      /true or false/,
    );
    expect(() =>
      assertSupportedSchema({ title: 't', description: 'd', type: 'string' }),
    ).not.toThrow();
  });

  it('describes schemas and builds paths', () => {
    expect(describeSchema({ type: 'string', pattern: '^a$' })).toBe('a string matching ^a$');
    expect(describeSchema({ type: 'number', minimum: 0 })).toBe('a number ≥ 0');
    expect(childPath('', 'a')).toBe('a');
    expect(childPath('a', 3)).toBe('a[3]');
    expect(childPath('a[3]', 'b')).toBe('a[3].b');
  });
});
