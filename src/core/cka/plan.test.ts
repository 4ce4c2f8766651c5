import { describe, expect, it } from 'vitest';
import { checkPlan, interleaveByClass, parseTimesteps } from './plan';

describe('CKA planning', () => {
  it('interleaves classes round-robin, keeping each class in order', () => {
    const labels = [0, 0, 0, 1, 1, 2];
    expect(interleaveByClass(labels, 6)).toEqual([0, 3, 5, 1, 4, 2]);
    expect(interleaveByClass(labels, 4)).toEqual([0, 3, 5, 1]);
    expect(interleaveByClass(labels, 10)).toHaveLength(6);
    expect(interleaveByClass([2, 1, 2, 1], 4)).toEqual([1, 0, 3, 2]);
  });

  it('refuses settings that cannot work, with a message', () => {
    const ok = {
      n: 100,
      available: 1000,
      method: 'linear' as const,
      batchSize: 256,
      timesteps: [10, 90],
      T: 1000,
      kind: 'blocks' as const,
    };
    expect(checkPlan(ok)).toBeNull();
    expect(checkPlan({ ...ok, n: 3 })).toMatch(/at least 4/);
    expect(checkPlan({ ...ok, n: 2000 })).toMatch(/1000 images/);
    expect(checkPlan({ ...ok, method: 'minibatch' })).toMatch(/larger than/);
    expect(checkPlan({ ...ok, method: 'minibatch', batchSize: 50 })).toBeNull();
    expect(checkPlan({ ...ok, kind: 'timesteps', timesteps: [5] })).toMatch(/two/);
    expect(checkPlan({ ...ok, kind: 'timesteps', timesteps: [5, 1000] })).toMatch(
      /1000 is outside/,
    );
  });

  it('reads a list of timesteps', () => {
    expect(parseTimesteps('10, 50 90;90')).toEqual([10, 50, 90]);
    expect(parseTimesteps('10, x')).toBeNull();
    expect(parseTimesteps('')).toEqual([]);
  });
});
