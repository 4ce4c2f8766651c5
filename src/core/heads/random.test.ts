import { describe, expect, it } from 'vitest';
import { initParams } from './init';
import { makeRng, normalArray, permutation } from './random';
import { defaultSpec } from './spec';

describe('seeded randomness', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = makeRng(7);
    const b = makeRng(7);
    const c = makeRng(8);
    const xa = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xa);
    expect([c(), c(), c()]).not.toEqual(xa);
    for (const v of xa) expect(v).toBeGreaterThanOrEqual(0);
  });
  it('permutation holds every index once', () => {
    const p = permutation(100, makeRng(1));
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    expect([...p]).not.toEqual([...Array(100).keys()]);
  });
  it('normal samples have mean ≈ 0 and std ≈ requested', () => {
    const x = normalArray(20000, 2, makeRng(3));
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeCloseTo(2, 1);
  });
  it('initial weights: PyTorch bounds, same seed same weights', () => {
    const p1 = initParams(defaultSpec('linear'), 64, 10, 5);
    const p2 = initParams(defaultSpec('linear'), 64, 10, 5);
    expect(p1[0]!.data).toEqual(p2[0]!.data);
    const bound = 1 / Math.sqrt(256);
    expect(Math.max(...p1[0]!.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    const att = initParams(defaultSpec('attention'), 64, 10, 5);
    expect(att.find((p) => p.name === 'ln_in.g')!.data.every((v) => v === 1)).toBe(true);
  });
});
