import { describe, expect, it } from 'vitest';
import { float32ToBase64 } from '../heads/base64';
import { conditioningKey, type Conditioning } from './conditioning';
import { conditioningFromJson, conditioningToJson, recordOfJson } from './conditioningJson';

const cond: Conditioning = [
  { kind: 'class', name: 'y', dtype: 'int32', classes: 10, id: 7, ownLabel: false },
  {
    kind: 'context',
    name: 'ctx',
    shape: [2, 3],
    source: {
      kind: 'file',
      file: 'e.npy',
      data: Float32Array.from([0.1, 2, -3, 4e-8, 5, 6]),
      digest: 'ab12',
    },
  },
  { kind: 'context', name: 'c2', shape: [1, 2], source: { kind: 'zeros' } },
];

describe('conditioning as JSON', () => {
  it('round-trips through JSON text with the values bit for bit', () => {
    const back = conditioningFromJson(JSON.parse(JSON.stringify(conditioningToJson(cond))));
    expect(back).toEqual(cond);
    expect(conditioningKey(back)).toBe(conditioningKey(cond));
    expect(recordOfJson(conditioningToJson(cond))).toEqual([
      { name: 'y', role: 'class', class: 7 },
      { name: 'ctx', role: 'context', context: 'e.npy', digest: 'ab12' },
      { name: 'c2', role: 'context', context: 'zeros' },
    ]);
  });

  it('says what is wrong with a damaged form', () => {
    const json = conditioningToJson(cond);
    const ctx = json[1] as Extract<(typeof json)[number], { kind: 'context' }>;
    expect(() => conditioningFromJson({})).toThrow(/must be a list/);
    expect(() => conditioningFromJson([{ ...json[0], id: 10 }])).toThrow(
      /class 10 is out of range/,
    );
    expect(() => conditioningFromJson([{ ...json[0], id: -1 }])).toThrow(/id ≥ 0/);
    expect(() => conditioningFromJson([{ ...ctx, shape: [2] }])).toThrow(/shape \[L, D\]/);
    const short = {
      ...ctx,
      source: { ...ctx.source, values: float32ToBase64(new Float32Array(5)) },
    };
    expect(() => conditioningFromJson([short])).toThrow(/5 values do not fill \[2, 3\]/);
    expect(() => conditioningFromJson([{ ...ctx, source: { kind: 'file' } }])).toThrow(
      /needs zeros or a file's values/,
    );
  });
});
