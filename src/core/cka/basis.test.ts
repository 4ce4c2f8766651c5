import { describe, expect, it } from 'vitest';
import { basisChanges, staleNote, type CkaBasis } from './basis';

const BASE: CkaBasis = {
  model: { sha256: 'aa', name: 'class-tiny' },
  dataset: { id: 'stored:d1', name: 'twotone' },
  conditioning: [{ name: 'y', role: 'class', class: 7 }],
};

describe('a CKA matrix’s basis', () => {
  it('is up to date while the model, the dataset and the conditioning are the same', () => {
    const now: CkaBasis = {
      model: { ...BASE.model! },
      dataset: { ...BASE.dataset },
      conditioning: [{ name: 'y', role: 'class', class: 7 }],
    };
    expect(basisChanges(BASE, now)).toEqual([]);
    expect(staleNote(BASE, now)).toBeNull();
  });

  it('names another class, and is up to date again once the class is back', () => {
    const other = { ...BASE, conditioning: [{ name: 'y', role: 'class', class: 3 }] };
    expect(staleNote(BASE, other)).toBe(
      'Out of date: the conditioning (y: class 7 → y: class 3) has changed since this matrix was computed; compute CKA again.',
    );
    expect(staleNote(BASE, { ...other, conditioning: BASE.conditioning })).toBeNull();
  });

  it('tells context files of the same name apart by their digest', () => {
    const ctx = (digest: string): CkaBasis => ({
      ...BASE,
      conditioning: [{ name: 'ctx', role: 'context', context: 'prompt.npy', digest }],
    });
    expect(basisChanges(ctx('01'), ctx('01'))).toEqual([]);
    expect(basisChanges(ctx('01'), ctx('02'))).toEqual([
      'the conditioning (ctx: prompt.npy, other values)',
    ]);
  });

  it('names another model (not its conditioning) and another dataset', () => {
    const now: CkaBasis = {
      model: { sha256: 'bb', name: 'ctx-tiny' },
      dataset: { id: 'demo:fashion-mnist', name: 'the demo set' },
      conditioning: [{ name: 'ctx', role: 'context', context: 'zeros' }],
    };
    expect(basisChanges(BASE, now)).toEqual([
      'the model (class-tiny → ctx-tiny)',
      'the dataset (twotone → the demo set)',
    ]);
    expect(staleNote(BASE, now)).toMatch(
      /^Out of date: the model \(class-tiny → ctx-tiny\) and the dataset \(twotone → the demo set\) have changed/,
    );
    expect(basisChanges(BASE, { ...BASE, model: null })).toEqual(['the model (class-tiny → none)']);
  });
});
