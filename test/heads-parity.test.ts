/**
 * Parity of the browser's head training with PyTorch on the same features: the default model's
 * block 8 at t=10, pooled 2×2, for the demo set's 2,000 train and 1,000 test images (extracted
 * once with onnxruntime-node by the CLI's extract, cached: test/heads-features.ts). The heads
 * worker's own dispatch (workers/heads/dispatch.ts) trains here: the linear head on the
 * typed-array trainer (src/core/heads/linearTrainer.ts), the MLP with tfjs on tfjs-backend-cpu;
 * tools/'s heads_torch trains the same head with the same recipe in PyTorch. Test accuracies must
 * agree within 1 point, for a linear and an MLP head.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../src/core/heads/optim';
import type { HeadSpec } from '../src/core/heads/spec';
import { trainAnyHead } from '../workers/heads/dispatch';
import { demoFeatures, python, ROOT, writeHeadsNpy } from './heads-features';
import type { FeatureSplit } from './heads-features';

const BLOCK = 8;
const T = 10;

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

let train: FeatureSplit;
let test: FeatureSplit;
const dir = join(ROOT, 'node_modules/.cache/diffprobe-heads/parity-npy');

beforeAll(async () => {
  await tf.setBackend('cpu');
  train = await demoFeatures(BLOCK, T, 2, 'train');
  test = await demoFeatures(BLOCK, T, 2, 'test');
  writeHeadsNpy(dir, train, test);
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

describe('head training: the worker’s trainers against PyTorch on the same features', () => {
  for (const spec of [
    { kind: 'linear', pool: 2 },
    { kind: 'mlp', pool: 2, hidden: [128] },
  ] as HeadSpec[]) {
    it(`${spec.kind}: test accuracy within 1 point`, async () => {
      expect(train.y.length).toBe(2000);
      expect(test.y.length).toBe(1000);
      expect(train.d).toBe(64 * 2 * 2);
      const ours = await trainAnyHead(
        tf,
        { spec, channels: 64, classes: 10 },
        { trainX: train.x, trainY: train.y, testX: test.x, testY: test.y },
        RECIPE,
        { evalEveryEpoch: false },
      );
      const acc = ours.curves.at(-1)!.testAcc;
      const torchAcc = torchAccuracy(spec);
      const path = spec.kind === 'linear' ? 'typed arrays' : 'tfjs';
      console.log(
        `${spec.kind}: ${path} ${(100 * acc).toFixed(2)}% · PyTorch ${(100 * torchAcc).toFixed(2)}%`,
      );
      // A real probe, far above chance, on both sides.
      expect(acc).toBeGreaterThan(0.7);
      expect(Math.abs(acc - torchAcc)).toBeLessThanOrEqual(0.01);
    }, 120_000);
  }
});
