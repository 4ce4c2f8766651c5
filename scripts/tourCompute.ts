/**
 * The tour's precomputed results, computed the way the app computes them but headless: block
 * features from the CLI's `extract` (onnxruntime-node, the same seeded noise, one forward pass
 * per batch for every block, pooled p×p), linear probes from the app's typed-array trainer
 * (src/core/heads/linearTrainer.ts, the heads worker's trainer for linear heads) and CKA from the
 * CLI's float64 Gram kernel. Used by scripts/precompute-tour.ts (everything) and
 * test/tourData.test.ts (a small subset, checked against the shipped file).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRows } from '../cli/commands/cka';
import { extract } from '../cli/commands/extract';
import { linearCkaMatrix } from '../src/core/cka/gramDots';
import { interleaveByClass } from '../src/core/cka/plan';
import { trainLinear } from '../src/core/heads/linearTrainer';
import { DEFAULT_TRAIN } from '../src/core/heads/optim';

export const MODEL_DIR = 'public/models/fmnist-adm-s';
export const DEMO_ZIP = 'public/datasets/fashion-mnist-demo.zip';

/** One block's pooled features, rows in the app's demo order (train then test as split below). */
export interface BlockRows {
  data: Float32Array;
  d: number;
}

export interface Extracted {
  /** Paths in the app's order (readDemoZip: numeric-aware sort). */
  train: { paths: string[]; labels: number[] };
  test: { paths: string[]; labels: number[] };
  /** Per block: train rows and test rows. */
  blocks: Map<number, { train: BlockRows; test: BlockRows }>;
  seconds: number;
}

const appOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function gather(rows: BlockRows, idx: readonly number[]): BlockRows {
  const out = new Float32Array(idx.length * rows.d);
  idx.forEach((r, i) => out.set(rows.data.subarray(r * rows.d, (r + 1) * rows.d), i * rows.d));
  return { data: out, d: rows.d };
}

/** Features of `blocks` at timestep t for every demo image, split and ordered as the app does. */
export async function extractDemo(
  t: number,
  blocks: number[],
  pool: number,
  seed: number,
  threads: number,
): Promise<Extracted> {
  const dir = mkdtempSync(join(tmpdir(), 'diffprobe-tour-'));
  try {
    const started = performance.now();
    await extract({
      model: MODEL_DIR,
      images: DEMO_ZIP,
      out: dir,
      t,
      blocks,
      pool,
      seed,
      noise: 'seeded',
      batch: 64,
      fit: 'crop',
      threads,
    });
    const seconds = (performance.now() - started) / 1000;
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      files: string[];
      labels: number[];
      classes: string[];
      blocks: { index: number; file: string }[];
    };
    // Class indices as the app numbers them (sorted class folder names).
    const classes = [...index.classes].sort();
    const label = (p: string) => classes.indexOf(p.split('/')[1]!);
    const rowOf = new Map(index.files.map((f, i) => [f, i]));
    const split = (name: string) => {
      const paths = index.files.filter((f) => f.startsWith(`${name}/`)).sort(appOrder);
      return { paths, labels: paths.map(label), rows: paths.map((p) => rowOf.get(p)!) };
    };
    const train = split('train');
    const test = split('test');
    const out = new Map<number, { train: BlockRows; test: BlockRows }>();
    for (const b of index.blocks) {
      const r = readRows(join(dir, b.file));
      const all = { data: Float32Array.from(r.data as ArrayLike<number>), d: r.d };
      out.set(b.index, { train: gather(all, train.rows), test: gather(all, test.rows) });
    }
    return {
      train: { paths: train.paths, labels: train.labels },
      test: { paths: test.paths, labels: test.labels },
      blocks: out,
      seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Test accuracy of a linear probe on one block's features (the app's trainer and defaults). */
export async function probeAccuracy(
  ex: Extracted,
  block: number,
  pool: number,
  epochs: number,
): Promise<number> {
  const f = ex.blocks.get(block);
  if (!f) throw new Error(`no features for block ${block}`);
  const channels = f.train.d / (pool * pool);
  const out = await trainLinear(
    { spec: { kind: 'linear', pool }, channels, classes: 10 },
    {
      trainX: f.train.data,
      trainY: Int32Array.from(ex.train.labels),
      testX: f.test.data,
      testY: Int32Array.from(ex.test.labels),
    },
    { ...DEFAULT_TRAIN, epochs },
    { evalEveryEpoch: false },
  );
  return out.curves.at(-1)!.testAcc;
}

/** The CKA panel's images: the first n of test-then-train, classes interleaved. */
export function ckaRows(ex: Extracted, block: number, n: number): BlockRows {
  const f = ex.blocks.get(block)!;
  const d = f.train.d;
  const nTest = ex.test.labels.length;
  const labels = [...ex.test.labels, ...ex.train.labels];
  const order = interleaveByClass(labels, n);
  const data = new Float32Array(order.length * d);
  order.forEach((r, i) => {
    const src = r < nTest ? f.test : f.train;
    const k = r < nTest ? r : r - nTest;
    data.set(src.data.subarray(k * d, (k + 1) * d), i * d);
  });
  return { data, d };
}

/** Block × block linear CKA (float64) of the CKA panel's first n images. */
export function ckaOfBlocks(ex: Extracted, blocks: readonly number[], n: number): number[][] {
  const reps = blocks.map((b) => ckaRows(ex, b, n));
  const M = linearCkaMatrix(reps, n, { kernel: 'wasm-f64' });
  const m = blocks.length;
  return Array.from({ length: m }, (_, i) =>
    Array.from({ length: m }, (_, j) => (i === j ? 1 : M[Math.min(i, j) * m + Math.max(i, j)]!)),
  );
}
