import { describe, expect, it } from 'vitest';
import { sweepAcc, validateTourData } from './data';
import { searchWithStep, stepAfterKey, stepFromSearch, TOUR_STEPS } from './steps';

describe('tour steps', () => {
  it('tells the story in 5 to 7 steps of two or three sentences each', () => {
    expect(TOUR_STEPS.length).toBeGreaterThanOrEqual(5);
    expect(TOUR_STEPS.length).toBeLessThanOrEqual(7);
    expect(new Set(TOUR_STEPS.map((s) => s.id)).size).toBe(TOUR_STEPS.length);
    for (const s of TOUR_STEPS) {
      const sentences = s.text.join(' ').match(/[.!?](\s|$)/g) ?? [];
      expect(sentences.length, s.id).toBeGreaterThanOrEqual(2);
      expect(sentences.length, s.id).toBeLessThanOrEqual(3);
    }
    expect(TOUR_STEPS.map((s) => s.result)).toEqual(
      expect.arrayContaining(['heads', 'sweep', 'cka']),
    );
  });

  it('reads ?tour=k as a 1-based step and ignores anything else', () => {
    expect(stepFromSearch('?tour=3')).toBe(2);
    expect(stepFromSearch('?model=x&tour=1&block=4')).toBe(0);
    expect(stepFromSearch(`?tour=${TOUR_STEPS.length}`)).toBe(TOUR_STEPS.length - 1);
    for (const bad of ['', '?tour=', '?tour=0', '?tour=99', '?tour=2.5', '?tour=-1', '?tour=x'])
      expect(stepFromSearch(bad), bad).toBeNull();
  });

  it('writes the step into the query string and keeps the other parameters', () => {
    expect(searchWithStep('?model=a&block=4', 2)).toBe('?model=a&block=4&tour=3');
    expect(searchWithStep('?tour=3&block=4', 0)).toBe('?tour=1&block=4');
    expect(searchWithStep('?block=4&tour=3', null)).toBe('?block=4');
    expect(searchWithStep('?tour=2', null)).toBe('');
  });

  it('moves with the arrow keys and stays inside the tour', () => {
    expect(stepAfterKey(0, 'ArrowRight')).toBe(1);
    expect(stepAfterKey(0, 'ArrowLeft')).toBe(0);
    expect(stepAfterKey(TOUR_STEPS.length - 1, 'ArrowRight')).toBe(TOUR_STEPS.length - 1);
    expect(stepAfterKey(2, 'ArrowLeft')).toBe(1);
    expect(stepAfterKey(2, 'Enter')).toBeNull();
  });
});

describe('validateTourData', () => {
  const good = {
    schemaVersion: 1,
    model: 'm',
    modelSha256: 'a'.repeat(64),
    dataset: 'd',
    images: { train: 4, test: 4 },
    generator: 'g',
    sweep: {
      ts: [10, 90],
      blocks: [1, 2],
      pool: 2,
      epochs: 1,
      acc: [
        [0.5, 0.4],
        [0.7, 0.6],
      ],
    },
    heads: [
      { block: 1, t: 10, pool: 2, epochs: 1, testAcc: 0.5 },
      { block: 2, t: 10, pool: 2, epochs: 1, testAcc: 0.7 },
    ],
    cka: {
      t: 90,
      pool: 2,
      n: 8,
      blocks: [1, 2],
      values: [
        [1, 0.3],
        [0.3, 1],
      ],
    },
    seconds: { features: 1, sweep: 1, heads: 1, cka: 1 },
  };

  it('accepts a well-formed file and reads its cells', () => {
    const v = validateTourData(good);
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(sweepAcc(v.data.sweep, 2, 90)).toBe(0.6);
      expect(sweepAcc(v.data.sweep, 3, 90)).toBeNull();
    }
  });

  it('names what is wrong', () => {
    const cases: [unknown, string][] = [
      [null, 'JSON object'],
      [{ ...good, schemaVersion: 2 }, 'schemaVersion'],
      [
        {
          ...good,
          sweep: {
            ...good.sweep,
            acc: [
              [0.5, 1.5],
              [0.7, 0.6],
            ],
          },
        },
        'sweep.acc',
      ],
      [{ ...good, sweep: { ...good.sweep, acc: [[0.5, 0.4]] } }, 'sweep.acc'],
      [{ ...good, heads: [good.heads[0]] }, 'heads'],
      [
        {
          ...good,
          cka: {
            ...good.cka,
            values: [
              [1, 0.3],
              [0.2, 1],
            ],
          },
        },
        'symmetric',
      ],
      [{ ...good, cka: { ...good.cka, values: [[1, 0.3]] } }, 'square'],
      [{ ...good, cka: undefined }, 'cka is missing'],
    ];
    for (const [json, what] of cases) {
      const v = validateTourData(json);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.errors.join('; ')).toContain(what);
    }
  });
});
