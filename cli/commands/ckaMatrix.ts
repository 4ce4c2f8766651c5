/**
 * `diffprobe cka-matrix --model <...> --images <folder | zip> --t 90 --pool 2 --out <file>`:
 * the block × block linear-CKA matrix of a diffusion U-Net on a set of images. Features come
 * from `extract` (the same seeded noise, one forward pass per batch for every block, pooled p×p)
 * into a temporary folder; the matrix is computed in float64 (src/core/cka/gramDots.ts).
 * Writes <file> as JSON (labels, values, settings, the encoder/mirror comparison) and the same
 * matrix as CSV next to it (<file> with .csv). `--cond` feeds a conditional model's inputs (one
 * value for every image, recorded in the JSON as exported heads record it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ckaMatrix } from '../../src/core/cka';
import { linearCkaMatrix } from '../../src/core/cka/gramDots';
import { matrixToCsv } from '../../src/core/cka/matrix';
import { mirrorReport, type MirrorRow } from '../../src/core/cka/mirror';
import {
  conditioningRecord,
  type ConditioningRecord,
} from '../../src/core/conditioning/conditioning';
import { choiceArg, intArg, valueArg } from '../shared/args';
import { appConditioning, type CondSpec } from '../shared/cond';
import { LIMITS } from '../shared/limits';
import { CliError } from '../shared/errors';
import { formatJson, type Io } from '../shared/io';
import { openModel, resolveModel } from '../shared/model';
import { CKA_METHODS, readRows, type CkaCliMethod } from './cka';
import { extract, parseExtractArgs, type ExtractIo } from './extract';

export interface CkaMatrixOptions {
  model: string;
  images: string;
  t: number;
  pool: number;
  out: string;
  seed: number;
  split?: 'train' | 'test';
  method: CkaCliMethod;
  batch: number;
  threads: number;
  /** Linear CKA's Gram products: float64 throughout (default) or f32 products, float64 sums. */
  precision: 'float64' | 'mixed';
  /** Values for conditioning inputs, one for every image (--cond as extract takes it). */
  cond?: CondSpec[];
}

export interface CkaMatrixJson {
  model: string;
  sha256: string;
  images: string;
  n: number;
  t: number;
  pool: number;
  seed: number;
  method: CkaCliMethod;
  batch?: number;
  precision?: 'float64' | 'mixed';
  /** What the conditioning inputs were fed (class id; context file name and sha256), if any. */
  conditioning?: ConditioningRecord[];
  blocks: { index: number; stage: string; mirror: number | null; d: number }[];
  labels: string[];
  /** rows of the symmetric matrix, in block order. */
  cka: number[][];
  mirror: MirrorRow[];
  seconds: { features: number; cka: number };
}

export function parseCkaMatrixArgs(args: readonly string[]): CkaMatrixOptions {
  const pass: string[] = [];
  let out: string | undefined;
  let method: CkaCliMethod = 'linear';
  let batch = 256;
  let precision: CkaMatrixOptions['precision'] = 'float64';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--out') out = valueArg(a, args[++i]);
    else if (a === '--method') method = choiceArg(a, args[++i], CKA_METHODS);
    else if (a === '--batch') batch = intArg(a, args[++i], LIMITS.ckaBatch);
    else if (a === '--precision') precision = choiceArg(a, args[++i], ['float64', 'mixed']);
    else if (['--blocks', '--noise', '--fit', '--size', '--x0', '--labels'].includes(a)) {
      throw new CliError(`cka-matrix: unknown option ${a}`);
    } else pass.push(a);
  }
  if (out === undefined) throw new CliError('cka-matrix: give --out <file>');
  const e = parseExtractArgs([...pass, '--blocks', 'all', '--out', out]);
  return {
    model: e.model,
    images: e.images!,
    t: e.t,
    pool: e.pool,
    out,
    seed: e.seed,
    method,
    batch,
    threads: e.threads,
    precision,
    ...(e.split ? { split: e.split } : {}),
    ...(e.cond ? { cond: e.cond } : {}),
  };
}

type BlockRow = CkaMatrixJson['blocks'][number];

/**
 * Stage and mirror of each block from the manifest (a model without one: stages unknown). A
 * manifest that gives the mirror only on decoder blocks lends it to their encoder partners.
 */
export function blockInfo(model: string, indices: readonly number[]): Omit<BlockRow, 'd'>[] {
  const blocks = openModel(model).manifest?.blocks ?? [];
  const partner = new Map<number, number>();
  for (const b of blocks) {
    if (b.mirror !== undefined) {
      partner.set(b.index, b.mirror);
      if (!partner.has(b.mirror)) partner.set(b.mirror, b.index);
    }
  }
  return indices.map((index) => ({
    index,
    stage: blocks.find((b) => b.index === index)?.stage ?? 'block',
    mirror: partner.get(index) ?? null,
  }));
}

/** Output paths: <file> (JSON) and the CSV beside it. */
export function outputPaths(out: string): { json: string; csv: string } {
  const base = out.replace(/\.json$/i, '');
  return { json: base === out ? `${out}.json` : out, csv: `${base}.csv` };
}

/** Features of every block (extract into a temporary folder), then CKA of every pair. */
export async function blockCkaMatrix(
  opts: CkaMatrixOptions,
  io: ExtractIo,
): Promise<CkaMatrixJson> {
  // The app's conditioning (one value for every image), checked before any features are made.
  const cond = opts.cond ? appConditioning(resolveModel(opts.model), opts.cond) : [];
  const dir = mkdtempSync(join(tmpdir(), 'diffprobe-cka-'));
  try {
    const t0 = performance.now();
    const summary = await extract(
      {
        model: opts.model,
        images: opts.images,
        out: dir,
        t: opts.t,
        blocks: 'all',
        pool: opts.pool,
        seed: opts.seed,
        noise: 'seeded',
        batch: 32,
        fit: 'crop',
        threads: opts.threads,
        ...(opts.split ? { split: opts.split } : {}),
        ...(opts.cond ? { cond: opts.cond } : {}),
      },
      io,
    );
    const t1 = performance.now();
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      sha256: string;
      blocks: { index: number; file: string }[];
    };
    const info = blockInfo(
      opts.model,
      index.blocks.map((b) => b.index),
    );
    const reps = index.blocks.map((b) => readRows(join(dir, b.file)));
    const n = reps[0]!.n;
    const features = reps.map((r) => ({ data: r.data, d: r.d }));
    let M: Float64Array;
    if (opts.method === 'minibatch') {
      M = ckaMatrix(features, n, { kind: 'minibatch', batchSize: opts.batch });
    } else {
      M = linearCkaMatrix(features, n, {
        kernel: opts.precision === 'mixed' ? 'wasm-f32' : 'wasm-f64',
      });
    }
    const t2 = performance.now();
    const m = features.length;
    const labels = info.map((b) => `block ${b.index} (${b.stage})`);
    const rows = Array.from({ length: m }, (_, i) => Array.from(M.subarray(i * m, (i + 1) * m)));
    const result: CkaMatrixJson = {
      model: opts.model,
      sha256: index.sha256,
      images: opts.images,
      n,
      t: opts.t,
      pool: opts.pool,
      seed: opts.seed,
      method: opts.method,
      ...(opts.method === 'minibatch' ? { batch: opts.batch } : { precision: opts.precision }),
      ...(cond.length ? { conditioning: conditioningRecord(cond) } : {}),
      blocks: info.map((b, i) => ({ ...b, d: features[i]!.d })),
      labels,
      cka: rows,
      mirror: mirrorReport(M, info),
      seconds: {
        features: Math.round(t1 - t0) / 1000,
        cka: Math.round(t2 - t1) / 1000,
      },
    };
    const paths = outputPaths(opts.out);
    writeFileSync(paths.json, JSON.stringify(result, null, 1) + '\n');
    writeFileSync(
      paths.csv,
      matrixToCsv({
        title: `block × block CKA at t = ${opts.t}, pool ${opts.pool}`,
        rowLabels: labels,
        colLabels: labels,
        values: M,
      }),
    );
    if (summary.images < 4) io.err(`diffprobe: warning: only ${summary.images} images\n`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `cka-matrix` with its arguments; writes the files and prints where they are. */
export async function ckaMatrixCommand(args: readonly string[], io: Io): Promise<void> {
  const opts = parseCkaMatrixArgs(args);
  const r = await blockCkaMatrix(opts, io);
  const paths = outputPaths(opts.out);
  const summary = { json: paths.json, csv: paths.csv, n: r.n, blocks: r.labels.length };
  io.out(formatJson({ ...summary, seconds: r.seconds }) + '\n');
}
