/**
 * The app's linear-head trainer (plain typed arrays, src/core/heads/linearTrainer.ts) against
 * tfjs autodiff (workers/heads/train.ts on tfjs-backend-cpu) for the same data and config: the
 * same weights, curves and test logits after a few epochs, so both mean the same training.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParams } from '../src/core/heads/init';
import { predictLinear, trainLinear } from '../src/core/heads/linearTrainer';
import type { TrainConfig } from '../src/core/heads/optim';
import { makeRng, normalArray } from '../src/core/heads/random';
import type { EpochReport, HeadData } from '../src/core/heads/training';
import { predictAnyHead, trainAnyHead } from '../workers/heads/dispatch';
import { predictLogits, trainHead } from '../workers/heads/train';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const C = 3;
const POOL = 2;
const K = 5;
const d = C * POOL * POOL;
const head = { spec: { kind: 'linear' as const, pool: POOL }, channels: C, classes: K };

/** Four classes, shifted means, an offset and a spread per feature (so standardising matters). */
function makeData(nTrain: number, nTest: number): HeadData {
  const rng = makeRng(7);
  const make = (n: number) => {
    const x = normalArray(n * d, 1, rng);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = Math.floor(rng() * K);
      for (let j = 0; j < d; j++) {
        const shifted = x[i * d + j]! + (j % K === y[i] ? 1.5 : 0);
        x[i * d + j] = shifted * (1 + j) + 3 - j;
      }
    }
    return { x, y };
  };
  const tr = make(nTrain);
  const te = make(nTest);
  return { trainX: tr.x, trainY: tr.y, testX: te.x, testY: te.y };
}

// 150 rows at batch 32: four full batches and a partial one of 22.
const data = makeData(150, 60);

const SGD: TrainConfig = {
  optimizer: 'sgd',
  lr: 0.02,
  momentum: 0.9,
  weightDecay: 1e-2,
  epochs: 3,
  batchSize: 32,
  schedule: { kind: 'step', every: 1, gamma: 0.5 },
  standardize: true,
  seed: 3,
};
const ADAM: TrainConfig = {
  ...SGD,
  optimizer: 'adam',
  lr: 0.01,
  weightDecay: 1e-3,
  schedule: { kind: 'cosine' },
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe('linear head: typed-array trainer = tfjs trainHead for the same config', () => {
  const cases: [string, TrainConfig][] = [
    ['SGD, momentum, weight decay, step schedule, standardised', SGD],
    ['SGD, raw features', { ...SGD, standardize: false, lr: 5e-4 }],
    ['Adam, weight decay, cosine schedule, standardised', ADAM],
    ['Adam, raw features', { ...ADAM, standardize: false }],
  ];
  for (const [name, config] of cases) {
    it(name, async () => {
      const ours = await trainLinear(head, data, config);
      const ref = await trainHead(tf, head, data, config);
      const start = initParams(head.spec, C, K, config.seed);
      expect(ours.params.map((p) => [p.name, p.shape])).toEqual(
        ref.params.map((p) => [p.name, p.shape]),
      );
      for (let i = 0; i < ref.params.length; i++) {
        const scale = maxAbs(ref.params[i]!.data);
        const moved = maxAbsDiff(ref.params[i]!.data, start[i]!.data);
        const diff = maxAbsDiff(ours.params[i]!.data, ref.params[i]!.data);
        // Training moved the weights far more than the two implementations differ.
        expect(moved).toBeGreaterThan(1e-3);
        expect(diff, `${ref.params[i]!.name}: ${diff} (scale ${scale})`).toBeLessThan(
          2e-6 * Math.max(1, scale),
        );
      }
      expect(ours.standardizer).toEqual(ref.standardizer);
      expect(ours.curves.length).toBe(config.epochs);
      ours.curves.forEach((c, e) => {
        const r = ref.curves[e]!;
        expect(c.epoch).toBe(r.epoch);
        expect(c.lr).toBe(r.lr);
        expect(c.trainLoss).toBeCloseTo(r.trainLoss, 4);
        expect(c.testLoss).toBeCloseTo(r.testLoss, 4);
        expect(c.trainAcc).toBe(r.trainAcc);
        expect(c.testAcc).toBe(r.testAcc);
      });
      expect(ours.curves[0]!.trainLoss).toBeGreaterThan(ours.curves.at(-1)!.trainLoss);
      expect(maxAbsDiff(ours.testLogits, ref.testLogits)).toBeLessThan(
        1e-4 * Math.max(1, maxAbs(ref.testLogits)),
      );
      // Prediction for raw rows: the same logits as tfjs's predictLogits and as testLogits.
      const mine = predictLinear(head, ours.params, ours.standardizer, data.testX);
      const theirs = await predictLogits(tf, head, ours.params, ours.standardizer, data.testX);
      expect(maxAbsDiff(mine, theirs)).toBeLessThan(1e-4 * Math.max(1, maxAbs(theirs)));
      expect(maxAbsDiff(mine, ours.testLogits)).toBe(0);
    });
  }

  it('is repeatable for a seed and differs for another seed', async () => {
    const a = await trainLinear(head, data, ADAM);
    const b = await trainLinear(head, data, ADAM);
    const c = await trainLinear(head, data, { ...ADAM, seed: 4 });
    expect(b.params[0]!.data).toEqual(a.params[0]!.data);
    expect(maxAbsDiff(c.params[0]!.data, a.params[0]!.data)).toBeGreaterThan(1e-3);
  });

  it('hooks: onEpoch per epoch, evaluation only at the end when asked, cancel throws', async () => {
    const seen: EpochReport[] = [];
    const out = await trainLinear(head, data, SGD, {
      onEpoch: (r) => seen.push(r),
      evalEveryEpoch: false,
    });
    expect(seen).toEqual(out.curves);
    expect(seen.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(Number.isNaN(seen[0]!.testAcc) && Number.isNaN(seen[0]!.trainAcc)).toBe(true);
    expect(seen[2]!.testAcc).toBeGreaterThan(0.4);
    let calls = 0;
    const cancelled = trainLinear(head, data, SGD, {
      checkpoint: async () => {
        if (++calls === 2) throw new Error('cancelled');
      },
    });
    await expect(cancelled).rejects.toThrow('cancelled');
    expect(calls).toBe(2);
  });

  it('refuses features of the wrong width and labels outside the classes', async () => {
    await expect(trainLinear({ ...head, channels: 2 }, data, SGD)).rejects.toThrow(
      /values per item/,
    );
    const bad = { ...data, trainY: data.trainY.map((v, i) => (i === 5 ? K : v)) };
    await expect(trainLinear(head, bad, SGD)).rejects.toThrow(/not a class/);
  });

  it('the worker dispatch trains linear heads on it, and MLP heads on tfjs', async () => {
    const viaApp = await trainAnyHead(tf, head, data, SGD);
    const direct = await trainLinear(head, data, SGD);
    expect(viaApp.params[0]!.data).toEqual(direct.params[0]!.data);
    const forced = await trainAnyHead(tf, head, data, SGD, {}, 'tfjs');
    const ref = await trainHead(tf, head, data, SGD);
    expect(forced.params[0]!.data).toEqual(ref.params[0]!.data);
    const mlp = {
      spec: { kind: 'mlp' as const, pool: POOL, hidden: [5] },
      channels: C,
      classes: K,
    };
    const m = await trainAnyHead(tf, mlp, data, { ...SGD, epochs: 1 });
    expect(m.params.map((p) => p.name)).toEqual(['hidden1.w', 'hidden1.b', 'fc.w', 'fc.b']);
    const logits = await predictAnyHead(tf, head, direct.params, direct.standardizer, data.testX);
    expect(logits).toEqual(direct.testLogits);
  });
});
