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
  dataset: {
    /** The app's dataset id (`demo:…`, `stored:…`) when the app ran the sweep; the CLI writes none. */
    id?: string;
    source: string;
    classes: string[];
    images: { train: number; test: number };
  };
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

/** Everything a result says but its cells: what the panel keeps next to a grid it ran or opened. */
export type SweepRecord = Omit<SweepResult, 'cells'>;

/** The result of a grid (finished cells only; NaN cells are left out) under its record. */
export function sweepResultOf(record: SweepRecord, grid: SweepGrid): SweepResult {
  const cells: SweepCell[] = [];
  grid.blocks.forEach((block, i) =>
    grid.ts.forEach((t, j) => {
      const acc = grid.acc[i]![j]!;
      if (Number.isFinite(acc)) cells.push({ block, t, pool: record.pool, testAccuracy: acc });
    }),
  );
  return { ...record, blocks: [...grid.blocks], ts: [...grid.ts], cells };
}

/** sweep.json's text, as the CLI writes it and the app downloads it. */
export function serializeSweepResult(r: SweepResult): string {
  return JSON.stringify(r, null, 2) + '\n';
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
  const dataset = o.dataset as Record<string, unknown> | null | undefined;
  if (dataset?.id !== undefined && typeof dataset.id !== 'string')
    throw new RangeError('"dataset.id" must be a string');
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
