/**
 * Parity of the browser's head training with PyTorch on the same features: the default model's
 * block 8 at t=10, pooled 2×2, for the demo set's 2,000 train and 1,000 test images (extracted
 * once with onnxruntime-node by the CLI's extract, cached under node_modules/.cache). The same
 * tfjs code as the heads worker (workers/heads/train.ts) runs on tfjs-backend-cpu here; tools/'s
 * heads_torch trains the same head with the same recipe in PyTorch. Test accuracies must agree
 * within 1 point, for a linear and an MLP head.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { extract } from '../cli/extract';
import { encodeNpy, parseNpy } from '../src/core/npy';
import type { TrainConfig } from '../src/core/heads/optim';
import type { HeadSpec } from '../src/core/heads/spec';
import { trainHead } from '../workers/heads/train';

const ROOT = resolve(import.meta.dirname, '..');
const MODEL = join(ROOT, 'public/models/fmnist-adm-s');
const ZIP = join(ROOT, 'public/datasets/fashion-mnist-demo.zip');
const BLOCK = 8;
const T = 10;

function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

interface Split {
  x: Float32Array;
  y: Int32Array;
  d: number;
}

async function features(split: 'train' | 'test'): Promise<Split> {
  const sha = (JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as { sha256: string })
    .sha256;
  const dir = join(
    ROOT,
    'node_modules/.cache/diffprobe-heads-parity',
    `${sha.slice(0, 12)}-b${BLOCK}-t${T}`,
    split,
  );
  if (!existsSync(join(dir, 'index.json'))) {
    mkdirSync(dir, { recursive: true });
    await extract({
      model: MODEL,
      images: ZIP,
      out: dir,
      t: T,
      blocks: [BLOCK],
      pool: 2,
      seed: 0,
      noise: 'seeded',
      batch: 32,
      split,
      fit: 'crop',
      threads: 2,
    });
  }
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { labels: number[] };
  // A plain Uint8Array: parseNpy slices, and a Node Buffer's slice is a view of the whole file.
  const npy = parseNpy(new Uint8Array(readFileSync(join(dir, `block_${BLOCK}.npy`))));
  const d = npy.shape.slice(1).reduce((a, b) => a * b, 1);
  return { x: (npy.data as Float32Array).slice(), y: Int32Array.from(index.labels), d };
}

const RECIPE: TrainConfig = {
  optimizer: 'adam',
  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 1e-4,
  epochs: 15,
  batchSize: 64,
  schedule: { kind: 'cosine' },
  standardize: true,
  seed: 0,
};

let train: Split;
let test: Split;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  train = await features('train');
  test = await features('test');
  dir = join(ROOT, 'node_modules/.cache/diffprobe-heads-parity/npy');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trainX.npy'), encodeNpy(train.x, [train.y.length, train.d]));
  writeFileSync(join(dir, 'trainY.npy'), encodeNpy(train.y, [train.y.length]));
  writeFileSync(join(dir, 'testX.npy'), encodeNpy(test.x, [test.y.length, test.d]));
  writeFileSync(join(dir, 'testY.npy'), encodeNpy(test.y, [test.y.length]));
}, 300_000);

function torchAccuracy(spec: HeadSpec): number {
  const out = execFileSync(
    python(),
    ['-m', 'diffprobe_tools.heads_torch', '--features', dir, '--config', '-', '--threads', '2'],
    {
      cwd: join(ROOT, 'tools'),
      input: JSON.stringify({ spec, train: RECIPE, classes: 10 }),
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { testAcc: number }).testAcc;
}

describe('head training: tfjs (the worker’s code) against PyTorch on the same features', () => {
  for (const spec of [
    { kind: 'linear', pool: 2 },
    { kind: 'mlp', pool: 2, hidden: [128] },
  ] as HeadSpec[]) {
    it(`${spec.kind}: test accuracy within 1 point`, async () => {
      expect(train.y.length).toBe(2000);
      expect(test.y.length).toBe(1000);
      expect(train.d).toBe(64 * 2 * 2);
      const ours = await trainHead(
        tf,
        { spec, channels: 64, classes: 10 },
        { trainX: train.x, trainY: train.y, testX: test.x, testY: test.y },
        RECIPE,
        { evalEveryEpoch: false },
      );
      const tfAcc = ours.curves.at(-1)!.testAcc;
      const torchAcc = torchAccuracy(spec);
      console.log(
        `${spec.kind}: tfjs ${(100 * tfAcc).toFixed(2)}% · PyTorch ${(100 * torchAcc).toFixed(2)}%`,
      );
      // A real probe, far above chance, on both sides.
      expect(tfAcc).toBeGreaterThan(0.7);
      expect(Math.abs(tfAcc - torchAcc)).toBeLessThanOrEqual(0.01);
    }, 120_000);
  }
});
