/**
 * The tour's precomputed results (public/models/<model>/tour.json): what a classroom step needs
 * that would take minutes on a CPU laptop. scripts/precompute-tour.ts writes it from the real
 * engine code; test/tourData.test.ts recomputes a subset and compares. The settings below are
 * the ones the app's panels use by default, so "Recompute live" gives the same numbers.
 */

/** What the file was computed with (shared by the script, the test and the app). */
export const TOUR_SETTINGS = {
  model: 'fmnist-adm-s',
  dataset: 'fashion-mnist-demo',
  /** Noise seed of every feature (the heads' and CKA's seed). */
  seed: 0,
  sweep: { ts: [10, 50, 90, 150, 300, 500], pool: 2, epochs: 10 },
  /** The accuracy gap: a linear head on an early block against one at the first decoder blocks. */
  heads: { blocks: [2, 12], t: 10, pool: 2, epochs: 20 },
  /** Block × block linear CKA of the first n demo images (classes interleaved, test first). */
  cka: { t: 90, pool: 2, n: 500 },
} as const;

export const TOUR_FILE = 'tour.json';

export interface TourSweep {
  ts: number[];
  blocks: number[];
  pool: number;
  epochs: number;
  /** Test accuracy (0..1) acc[blockIndex][tIndex]. */
  acc: number[][];
}

export interface TourHead {
  block: number;
  t: number;
  pool: number;
  epochs: number;
  testAcc: number;
}

export interface TourCka {
  t: number;
  pool: number;
  n: number;
  blocks: number[];
  /** Symmetric block × block matrix, rows in block order. */
  values: number[][];
}

export interface TourData {
  schemaVersion: 1;
  model: string;
  /** sha256 of the model file it was computed on. */
  modelSha256: string;
  dataset: string;
  images: { train: number; test: number };
  generator: string;
  sweep: TourSweep;
  heads: TourHead[];
  cka: TourCka;
  /** How long each part took to compute (what the tour saves a class from waiting for). */
  seconds: { features: number; sweep: number; heads: number; cka: number };
}

type Check = (ok: boolean, what: string) => void;

function isNumArray(v: unknown, min = -Infinity, max = Infinity): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && x >= min && x <= max);
}

function checkSweep(s: Partial<TourSweep> | undefined, check: Check): void {
  if (!s || typeof s !== 'object') return check(false, 'sweep is missing');
  check(isNumArray(s.ts, 0) && s.ts.length > 0, 'sweep.ts must be timesteps');
  check(isNumArray(s.blocks, 1) && s.blocks.length > 0, 'sweep.blocks must be block numbers');
  check(Number.isInteger(s.pool) && s.pool! >= 1, 'sweep.pool must be ≥ 1');
  check(Number.isInteger(s.epochs) && s.epochs! >= 1, 'sweep.epochs must be ≥ 1');
  const rowsOk =
    Array.isArray(s.acc) &&
    s.acc.length === s.blocks?.length &&
    s.acc.every((r) => isNumArray(r, 0, 1) && r.length === s.ts?.length);
  check(rowsOk, 'sweep.acc must be blocks × ts accuracies in 0…1');
}

function checkCka(c: Partial<TourCka> | undefined, check: Check): void {
  if (!c || typeof c !== 'object') return check(false, 'cka is missing');
  check(isNumArray(c.blocks, 1) && c.blocks.length > 0, 'cka.blocks must be block numbers');
  check(Number.isInteger(c.n) && c.n! >= 4, 'cka.n must be ≥ 4');
  const m = c.blocks?.length ?? -1;
  const square =
    Array.isArray(c.values) &&
    c.values.length === m &&
    c.values.every((r) => isNumArray(r, -1e-6, 1 + 1e-6) && r.length === m);
  check(square, 'cka.values must be a square matrix of values in 0…1');
  if (square)
    check(
      c.values!.every(
        (r, i) => Math.abs(r[i]! - 1) < 1e-6 && r.every((v, j) => v === c.values![j]![i]),
      ),
      'cka.values must be symmetric with a unit diagonal',
    );
}

/** Checks a parsed tour.json; `errors` names every problem found. */
export function validateTourData(
  json: unknown,
): { ok: true; data: TourData } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const check: Check = (ok, what) => void (ok || errors.push(what));
  if (!json || typeof json !== 'object') return { ok: false, errors: ['not a JSON object'] };
  const d = json as Partial<TourData>;
  check(d.schemaVersion === 1, 'schemaVersion must be 1');
  check(typeof d.model === 'string' && d.model.length > 0, 'model must be a model id');
  check(typeof d.modelSha256 === 'string' && /^[0-9a-f]{64}$/.test(d.modelSha256), 'modelSha256');
  checkSweep(d.sweep, check);
  const headsOk =
    Array.isArray(d.heads) &&
    d.heads.length >= 2 &&
    d.heads.every(
      (h) =>
        Number.isInteger(h.block) &&
        typeof h.testAcc === 'number' &&
        h.testAcc >= 0 &&
        h.testAcc <= 1,
    );
  check(headsOk, 'heads must list at least two heads with a block and a test accuracy');
  checkCka(d.cka, check);
  return errors.length ? { ok: false, errors } : { ok: true, data: d as TourData };
}

/** The precomputed accuracy of one sweep cell, or null when the table lacks it. */
export function sweepAcc(s: TourSweep, block: number, t: number): number | null {
  const bi = s.blocks.indexOf(block);
  const ti = s.ts.indexOf(t);
  return bi < 0 || ti < 0 ? null : (s.acc[bi]![ti] ?? null);
}
