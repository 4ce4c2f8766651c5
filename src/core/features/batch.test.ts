import { describe, expect, it } from 'vitest';
import { gaussianNoise } from '../noise';
import { makeSchedule, PAPER_SCHEDULE } from '../schedule';
import { buildInputs } from './batch';
import { checkRequest, featureKey } from './request';

const sched = makeSchedule(PAPER_SCHEDULE);
const items = [
  { id: 'a', x0: Float32Array.from({ length: 4 }, (_, i) => i / 4) },
  { id: 'b', x0: Float32Array.from({ length: 4 }, (_, i) => -i / 4) },
];

describe('buildInputs', () => {
  it('noises each item with its own seeded noise at t', () => {
    const { x, t, dims } = buildInputs(items, [1, 2, 2], sched, {
      t: 90,
      seed: 3,
      noise: 'seeded',
    });
    expect(dims).toEqual([2, 1, 2, 2]);
    expect(Array.from(t)).toEqual([90, 90]);
    const eps = gaussianNoise(3, 'b', 90, 4);
    const a = Math.sqrt(sched.abar[90]!);
    const s = Math.sqrt(1 - sched.abar[90]!);
    for (let i = 0; i < 4; i++) {
      expect(x[4 + i]).toBeCloseTo(a * items[1]!.x0[i]! + s * eps[i]!, 6);
    }
  });

  it('feeds the clean image with noise "none" and is deterministic', () => {
    const clean = buildInputs(items, [1, 2, 2], sched, { t: 500, seed: 0, noise: 'none' });
    expect(Array.from(clean.x)).toEqual([...items[0]!.x0, ...items[1]!.x0]);
    const one = buildInputs(items, [1, 2, 2], sched, { t: 10, seed: 1, noise: 'seeded' });
    const two = buildInputs(items, [1, 2, 2], sched, { t: 10, seed: 1, noise: 'seeded' });
    expect(one.x).toEqual(two.x);
  });

  it('rejects items of the wrong size', () => {
    expect(() =>
      buildInputs([{ id: 'x', x0: new Float32Array(3) }], [1, 2, 2], sched, {
        t: 1,
        seed: 0,
        noise: 'seeded',
      }),
    ).toThrow(/takes 4/);
  });
});

describe('requests and cache keys', () => {
  it('checks blocks, t, pool and noise', () => {
    const ok = { t: 90, blocks: [1, 19], pool: 2, seed: 0, noise: 'seeded' as const };
    expect(() => checkRequest(ok, 19, 1000)).not.toThrow();
    expect(() => checkRequest({ ...ok, blocks: [20] }, 19, 1000)).toThrow(/blocks 1–19/);
    expect(() => checkRequest({ ...ok, t: 1000 }, 19, 1000)).toThrow(RangeError);
    expect(() => checkRequest({ ...ok, pool: -1 }, 19, 1000)).toThrow(/pool/);
  });

  it('keys differ by every part of the selection, and ignore the seed without noise', () => {
    const base = { t: 90, pool: 2, seed: 0, noise: 'seeded' as const };
    const k = featureKey('abcdef0123456789ff', 4, base, 'img-1');
    expect(featureKey('abcdef0123456789ff', 5, base, 'img-1')).not.toBe(k);
    expect(featureKey('abcdef0123456789ff', 4, { ...base, t: 91 }, 'img-1')).not.toBe(k);
    expect(featureKey('abcdef0123456789ff', 4, { ...base, seed: 1 }, 'img-1')).not.toBe(k);
    expect(featureKey('abcdef0123456789ff', 4, base, 'img-2')).not.toBe(k);
    const none = { ...base, noise: 'none' as const };
    expect(featureKey('h', 4, none, 'i')).toBe(featureKey('h', 4, { ...none, seed: 9 }, 'i'));
  });
});
