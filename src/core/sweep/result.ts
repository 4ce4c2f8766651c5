/**
 * sweep.json: what `diffprobe sweep` writes and the Heads panel opens. One cell per (block, t)
 * with the test accuracy of its linear probe; the grid, best cell and curves follow from the
 * cells with src/core/heads/sweep.ts, as for a sweep run in the browser.
 */
import type { ConditioningRecord } from '../conditioning/conditioning';
import type { TrainConfig } from '../heads/optim';
import type { SweepGrid } from '../heads/sweep';

export interface SweepCell {
  block: number;
  t: number;
  pool: number;
  testAccuracy: number;
}

export interface SweepResult {
  format: 'diffprobe-sweep';
  version: 1;
  model: { id: string | null; sha256: string; file: string };
  /** What the model's conditioning inputs were fed, as exported heads record it (if any). */
  conditioning?: ConditioningRecord[];
  dataset: { source: string; classes: string[]; images: { train: number; test: number } };
  split: { kind: 'dataset' | 'seeded'; testFraction: number | null };
  seeds: { noise: number; split: number; train: number };
  pool: number;
  fit: 'crop' | 'pad';
  train: TrainConfig;
  blocks: number[];
  ts: number[];
  cells: SweepCell[];
  /** Images that could not be decoded or used. */
  skipped: { path: string; reason: string }[];
  /** How the features were computed: shards of this many images, one job per shard × t. */
  shards: { count: number; size: number };
}

/** The grid of a result: acc[block][t], NaN where no cell was written. */
export function resultGrid(r: Pick<SweepResult, 'blocks' | 'ts' | 'cells'>): SweepGrid {
  const acc = r.blocks.map(() => r.ts.map(() => NaN));
  for (const c of r.cells) {
    const bi = r.blocks.indexOf(c.block);
    const ti = r.ts.indexOf(c.t);
    if (bi >= 0 && ti >= 0) acc[bi]![ti] = c.testAccuracy;
  }
  return { blocks: [...r.blocks], ts: [...r.ts], acc };
}

/** The cells as CSV: block,t,pool,test_accuracy. */
export function resultCsv(r: Pick<SweepResult, 'cells'>): string {
  const lines = r.cells.map((c) => `${c.block},${c.t},${c.pool},${c.testAccuracy}`);
  return ['block,t,pool,test_accuracy', ...lines].join('\n') + '\n';
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function intList(v: unknown, name: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 10_000 || !v.every(isInt))
    throw new RangeError(`${name} must be a list of whole numbers`);
  return v;
}

/**
 * Checks a parsed sweep.json and returns what the panel draws; a RangeError says what is wrong.
 */
export function parseSweepResult(json: unknown): SweepResult {
  if (typeof json !== 'object' || json === null) throw new RangeError('not a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== 'diffprobe-sweep') throw new RangeError('not a diffprobe sweep result');
  if (o.version !== 1) throw new RangeError(`sweep result version ${String(o.version)} is unknown`);
  const model = o.model as Record<string, unknown> | null;
  if (typeof model !== 'object' || model === null || typeof model.sha256 !== 'string')
    throw new RangeError('the result names no model sha256');
  const blocks = intList(o.blocks, 'blocks');
  const ts = intList(o.ts, 'ts');
  if (!Array.isArray(o.cells)) throw new RangeError('the result has no cells');
  for (const c of o.cells as unknown[]) {
    const cell = c as Record<string, unknown>;
    if (
      typeof c !== 'object' ||
      c === null ||
      !isInt(cell.block) ||
      !isInt(cell.t) ||
      !isInt(cell.pool) ||
      typeof cell.testAccuracy !== 'number' ||
      !(cell.testAccuracy >= 0 && cell.testAccuracy <= 1)
    )
      throw new RangeError('a cell needs block, t, pool and a testAccuracy from 0 to 1');
    if (!blocks.includes(cell.block) || !ts.includes(cell.t))
      throw new RangeError(
        `cell (block ${String(cell.block)}, t=${String(cell.t)}) is off the grid`,
      );
  }
  const cond = o.conditioning;
  if (
    cond !== undefined &&
    (!Array.isArray(cond) ||
      cond.some(
        (c: unknown) =>
          typeof c !== 'object' ||
          c === null ||
          typeof (c as Record<string, unknown>).name !== 'string' ||
          typeof (c as Record<string, unknown>).role !== 'string',
      ))
  )
    throw new RangeError('"conditioning" must list the conditioning inputs by name and role');
  return { ...(o as unknown as SweepResult), blocks, ts };
}
