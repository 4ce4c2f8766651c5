import { describe, expect, it } from 'vitest';
import { finiteRange, matrixToCsv, subMatrix } from './matrix';
import { mirrorReport } from './mirror';

describe('labelled matrices', () => {
  it('subMatrix picks rows and columns', () => {
    const M = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(subMatrix(M, 3, [0, 2], [1]))).toEqual([2, 8]);
    expect(() => subMatrix(M, 3, [3], [0])).toThrow(/outside/);
  });

  it('writes CSV with labels, quoting and empty NaN fields', () => {
    const csv = matrixToCsv({
      title: 't',
      rowLabels: ['block 1', 'a,b'],
      colLabels: ['x', 'say "y"'],
      values: Float64Array.from([1, 0.5, NaN, 1 / 3]),
    });
    expect(csv).toBe(',x,"say ""y"""\nblock 1,1,0.5\n"a,b",,0.3333333333333333\n');
    expect(() =>
      matrixToCsv({ title: '', rowLabels: ['a'], colLabels: ['b'], values: new Float64Array(2) }),
    ).toThrow(/1×1/);
  });

  it('finiteRange skips NaN', () => {
    expect(finiteRange([NaN, 0.2, 0.9])).toEqual([0.2, 0.9]);
    expect(finiteRange([NaN])).toEqual([0, 1]);
  });
});

describe('mirrorReport', () => {
  it('compares each encoder block with its mirror and the other decoder blocks', () => {
    // blocks 1, 2 encoder (mirrors 5, 4), 3 middle, 4, 5 decoder
    const blocks = [
      { index: 1, stage: 'encoder', mirror: 5 },
      { index: 2, stage: 'encoder', mirror: 4 },
      { index: 3, stage: 'middle', mirror: null },
      { index: 4, stage: 'decoder', mirror: 2 },
      { index: 5, stage: 'decoder', mirror: 1 },
    ];
    const M = new Float64Array(25);
    M[0 * 5 + 4] = 0.9; // 1 ~ 5
    M[0 * 5 + 3] = 0.3; // 1 ~ 4
    M[1 * 5 + 3] = 0.2; // 2 ~ 4 (its mirror)
    M[1 * 5 + 4] = 0.6; // 2 ~ 5
    expect(mirrorReport(M, blocks)).toEqual([
      { encoder: 1, decoder: 5, mirror: 0.9, othersMean: 0.3, rank: 0 },
      { encoder: 2, decoder: 4, mirror: 0.2, othersMean: 0.6, rank: 1 },
    ]);
  });
});
