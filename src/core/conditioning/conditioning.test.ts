import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../manifest/types';
import { featureKey } from '../features/request';
import {
  conditioningFeeds,
  conditioningKey,
  conditioningRecord,
  contextValues,
  defaultConditioning,
  describeConditioning,
  describeConditioningRecord,
  sameConditioning,
  type Conditioning,
} from './conditioning';

const manifest = {
  inputs: {
    x: 'x',
    t: 't',
    conditioning: [
      { name: 'y', role: 'class', dtype: 'int64', classes: 10 },
      { name: 'ctx', role: 'context', dtype: 'float32', shape: [2, 3] },
      { name: 'mask', role: 'other', dtype: 'float32' },
    ],
  },
} as unknown as ModelManifest;

describe('conditioning', () => {
  it('starts with class 0 and zero context, skipping inputs it cannot fill', () => {
    const c = defaultConditioning(manifest);
    expect(c.map((x) => x.name)).toEqual(['y', 'ctx']);
    expect(describeConditioning(c)).toBe('y: class 0; ctx: zeros [2, 3]');
    expect(defaultConditioning(null)).toEqual([]);
  });

  it('feeds one class to every image, and own labels only when chosen', () => {
    const c = defaultConditioning(manifest);
    c[0] = { ...(c[0] as Extract<Conditioning[number], { kind: 'class' }>), id: 7 };
    const f = conditioningFeeds(c, [3, 5, undefined]);
    expect(Array.from(f.y!.data)).toEqual([7, 7, 7]);
    expect(f.y!.type).toBe('int64');
    expect(f.ctx!.dims).toEqual([3, 2, 3]);
    expect(Array.from(f.ctx!.data).every((v) => v === 0)).toBe(true);
    const own: Conditioning = [{ ...(c[0] as never as object), ownLabel: true } as never];
    expect(Array.from(conditioningFeeds(own, [3, 5]).y!.data)).toEqual([3, 5]);
    expect(() => conditioningFeeds(own, [3, undefined])).toThrow(/has no label/);
    expect(() =>
      conditioningFeeds(
        [{ kind: 'class', name: 'y', dtype: 'int64', classes: 10, id: 10, ownLabel: false }],
        [0],
      ),
    ).toThrow(/class 10 is out of range for input 'y' \(0\.\.9\)/);
  });

  it('broadcasts a loaded context along the batch', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const c: Conditioning = [
      {
        kind: 'context',
        name: 'ctx',
        shape: [2, 3],
        source: { kind: 'file', file: 'e.npy', data, digest: 'ab'.repeat(16) },
      },
    ];
    const f = conditioningFeeds(c, [undefined, undefined]);
    expect(Array.from(f.ctx!.data)).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    expect(describeConditioning(c)).toBe('ctx: e.npy [2, 3]');
    expect(conditioningRecord(c)).toEqual([
      { name: 'ctx', role: 'context', context: 'e.npy', digest: 'ab'.repeat(16) },
    ]);
  });

  it('gives every conditioning its own cache key, and none an empty part', () => {
    const req = { t: 10, pool: 2, seed: 1, noise: 'seeded' as const };
    const base = featureKey('h'.repeat(64), 3, req, 'a/1.png');
    const keys = new Set<string>();
    const zero = defaultConditioning(manifest);
    const variants: Conditioning[] = [
      [],
      zero,
      [{ ...zero[0]!, id: 1 } as Conditioning[number], zero[1]!],
      [{ ...zero[0]!, ownLabel: true } as Conditioning[number], zero[1]!],
      [
        zero[0]!,
        {
          ...zero[1]!,
          source: {
            kind: 'file',
            file: 'a.npy',
            data: new Float32Array(6),
            digest: '0123456789abcdef99',
          },
        } as Conditioning[number],
      ],
    ];
    for (const v of variants) keys.add(base + conditioningKey(v));
    expect(keys.size).toBe(variants.length);
    expect(conditioningKey([])).toBe('');
  });

  it('takes a context .npy of [L, D] or [1, L, D] and names a wrong shape', () => {
    const ok = contextValues(
      { dtype: 'float32', shape: [1, 2, 3], data: new Float32Array(6).fill(2) },
      [2, 3],
      'c.npy',
    );
    expect(ok.ok && Array.from(ok.data)).toEqual([2, 2, 2, 2, 2, 2]);
    const bad = contextValues(
      { dtype: 'float32', shape: [3, 4], data: new Float32Array(12) },
      [2, 3],
      'w.npy',
    );
    expect(bad).toEqual({
      ok: false,
      message:
        "w.npy has shape [3, 4]; this model's context takes [2, 3] (or [1, 2, 3]). The context stays as it was.",
    });
    const ints = contextValues(
      { dtype: 'int32', shape: [2, 3], data: new Int32Array(6) },
      [2, 3],
      'i.npy',
    );
    expect(ints.ok).toBe(false);
  });
});

describe('conditioning records', () => {
  it('say what a head was trained with, and compare regardless of order', () => {
    const a = [
      { name: 'y', role: 'class', class: 3 },
      { name: 'ctx', role: 'context', context: 'p.npy', digest: 'd1' },
    ];
    expect(describeConditioningRecord(a)).toBe('y: class 3, ctx: p.npy');
    expect(describeConditioningRecord([])).toBe('no conditioning');
    expect(sameConditioning(a, [...a].reverse())).toBe(true);
    expect(sameConditioning(a, [a[0]!, { ...a[1]!, digest: 'd2' }])).toBe(false);
    expect(sameConditioning(a, [a[0]!])).toBe(false);
  });
});
