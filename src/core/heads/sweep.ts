/** The block × t sweep of linear probes (PAPER.md: accuracy against block and against t). */

export const DEFAULT_SWEEP_TS = [10, 50, 90, 150, 300, 500] as const;

/** One extraction per timestep: a single forward pass per image feeds every block. */
export interface SweepStep {
  t: number;
  blocks: number[];
}

export function planSweep(
  blocks: readonly number[],
  ts: readonly number[],
  T: number,
): SweepStep[] {
  if (!blocks.length) throw new RangeError('the sweep needs at least one block');
  if (!ts.length) throw new RangeError('the sweep needs at least one timestep');
  const uniq = [...new Set(ts)];
  for (const t of uniq)
    if (!Number.isInteger(t) || t < 0 || t >= T)
      throw new RangeError(`timestep ${t} is outside 0…${T - 1}`);
  const sortedBlocks = [...new Set(blocks)].sort((a, b) => a - b);
  return uniq.sort((a, b) => a - b).map((t) => ({ t, blocks: sortedBlocks }));
}

/** Parses "10, 50, 90" into timesteps. */
export function parseTimesteps(text: string, T: number): number[] {
  const parts = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) throw new RangeError('enter at least one timestep');
  const ts = parts.map((p) => {
    const t = Number(p);
    if (!Number.isInteger(t) || t < 0 || t >= T)
      throw new RangeError(`"${p}" is not a timestep from 0 to ${T - 1}`);
    return t;
  });
  return [...new Set(ts)].sort((a, b) => a - b);
}

/** Test accuracies: acc[blockIndex][tIndex], NaN while a cell is not done. */
export interface SweepGrid {
  blocks: number[];
  ts: number[];
  acc: number[][];
}

export function emptyGrid(blocks: number[], ts: number[]): SweepGrid {
  return { blocks, ts, acc: blocks.map(() => ts.map(() => NaN)) };
}

export function setCell(grid: SweepGrid, block: number, t: number, acc: number): SweepGrid {
  const bi = grid.blocks.indexOf(block);
  const ti = grid.ts.indexOf(t);
  if (bi < 0 || ti < 0) throw new RangeError(`no cell for block ${block}, t=${t}`);
  return {
    ...grid,
    acc: grid.acc.map((row, i) => (i === bi ? row.map((v, j) => (j === ti ? acc : v)) : row)),
  };
}

export interface BestCell {
  block: number;
  t: number;
  acc: number;
}

/** The most accurate finished cell (ties: the earlier block, then the smaller t). */
export function bestCell(grid: SweepGrid): BestCell | null {
  let best: BestCell | null = null;
  grid.acc.forEach((row, bi) =>
    row.forEach((acc, ti) => {
      if (Number.isFinite(acc) && (!best || acc > best.acc))
        best = { block: grid.blocks[bi]!, t: grid.ts[ti]!, acc };
    }),
  );
  return best;
}

export interface CurvePoint {
  x: number;
  acc: number;
}

/** The paper's two curves: accuracy against block at the best t, and against t at the best block. */
export function sweepCurves(grid: SweepGrid): { byBlock: CurvePoint[]; byT: CurvePoint[] } | null {
  const best = bestCell(grid);
  if (!best) return null;
  const ti = grid.ts.indexOf(best.t);
  const bi = grid.blocks.indexOf(best.block);
  return {
    byBlock: grid.blocks
      .map((b, i) => ({ x: b, acc: grid.acc[i]![ti]! }))
      .filter((p) => Number.isFinite(p.acc)),
    byT: grid.ts
      .map((t, j) => ({ x: t, acc: grid.acc[bi]![j]! }))
      .filter((p) => Number.isFinite(p.acc)),
  };
}
