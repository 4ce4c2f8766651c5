import { describe, expect, it } from 'vitest';
import { bestCell, emptyGrid, parseTimesteps, planSweep, setCell, sweepCurves } from './sweep';
import { gatherRows, emptyTable, placeRows } from './table';

describe('sweep planning', () => {
  it('one step per t with every block', () => {
    const plan = planSweep([3, 1, 2, 2], [50, 10, 50], 1000);
    expect(plan).toEqual([
      { t: 10, blocks: [1, 2, 3] },
      { t: 50, blocks: [1, 2, 3] },
    ]);
    expect(() => planSweep([1], [1000], 1000)).toThrow(/outside/);
  });
  it('parses timesteps', () => {
    expect(parseTimesteps('10, 50 90;10', 1000)).toEqual([10, 50, 90]);
    expect(() => parseTimesteps('10, x', 1000)).toThrow(/"x"/);
  });
  it('best cell and the two curves', () => {
    let g = emptyGrid([1, 2, 3], [10, 50]);
    expect(bestCell(g)).toBeNull();
    g = setCell(g, 1, 10, 0.5);
    g = setCell(g, 2, 10, 0.8);
    g = setCell(g, 3, 10, 0.7);
    g = setCell(g, 2, 50, 0.6);
    expect(bestCell(g)).toEqual({ block: 2, t: 10, acc: 0.8 });
    const c = sweepCurves(g)!;
    expect(c.byBlock.map((p) => p.acc)).toEqual([0.5, 0.8, 0.7]);
    expect(c.byT).toEqual([
      { x: 10, acc: 0.8 },
      { x: 50, acc: 0.6 },
    ]);
  });
});

describe('feature tables', () => {
  it('places batches and gathers rows', () => {
    const t = emptyTable(3, [1, 1, 2]);
    placeRows(t, 1, new Float32Array([1, 2, 3, 4]));
    expect([...t.data]).toEqual([0, 0, 1, 2, 3, 4]);
    expect([...gatherRows(t.data, 2, [2, 0])]).toEqual([3, 4, 0, 0]);
    expect(() => placeRows(t, 2, new Float32Array([1, 2, 3, 4]))).toThrow();
  });
});
