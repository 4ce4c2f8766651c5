import { describe, expect, it } from 'vitest';
import { trainingReadiness } from './readiness';

describe('trainingReadiness', () => {
  const c = (name: string, count: number, included = true) => ({ name, count, included });
  it('needs two included classes of two images', () => {
    expect(trainingReadiness([c('a', 5), c('b', 3)])).toEqual({ ok: true });
    expect(trainingReadiness([])).toMatchObject({ ok: false });
    const one = trainingReadiness([c('a', 5), c('b', 3, false), c('c', 0)]);
    expect(one.ok ? '' : one.reason).toMatch(/only one class \(“a”\)/);
    const tiny = trainingReadiness([c('a', 5), c('b', 1)]);
    expect(tiny.ok ? '' : tiny.reason).toMatch(/“b” has one image/);
  });
  it('names the dataset when it is given', () => {
    const r = trainingReadiness([c('a', 5)], 'pets');
    expect(r.ok ? '' : r.reason).toMatch(/^Training on “pets” is disabled: only one class/);
    const none = trainingReadiness([c('a', 0)]);
    expect(none.ok ? '' : none.reason).toMatch(/^Training is disabled: the dataset has no images/);
  });
});
