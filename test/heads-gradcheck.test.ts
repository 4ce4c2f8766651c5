import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParams } from '../src/core/heads/init';
import { makeRng, normalArray } from '../src/core/heads/random';
import type { HeadSpec } from '../src/core/heads/spec';
import { asMap, crossEntropy, headLogits, paramNames, toTensors } from '../workers/heads/model';
import { trainHead } from '../workers/heads/train';
import { DEFAULT_TRAIN } from '../src/core/heads/optim';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const C = 3;
const K = 4;
const N = 5;

const SPECS: HeadSpec[] = [
  { kind: 'linear', pool: 2 },
  { kind: 'mlp', pool: 2, hidden: [6, 5] },
  { kind: 'cnn', pool: 2, channels: [4, 3], kernel: 3 },
  { kind: 'attention', pool: 2, width: 8, depth: 2, heads: 2, mlpRatio: 2 },
];

/** Central finite differences of the loss against tfjs's gradient, for sampled coordinates. */
describe('gradients of every head match finite differences', () => {
  for (const spec of SPECS) {
    it(spec.kind, () => {
      const head = { spec, channels: C, classes: K };
      const d = C * spec.pool * spec.pool;
      const rng = makeRng(11);
      const x = tf.tensor2d(normalArray(N * d, 1, rng), [N, d]);
      const y = tf.tensor1d([0, 1, 2, 3, 1], 'int32');
      // Perturb LayerNorm gains and biases so that their gradients are not trivially symmetric.
      const init = initParams(spec, C, K, 3).map((p) => ({
        ...p,
        data: p.data.map((v) => v + 0.3 * (rng() - 0.5)),
      }));
      const names = paramNames(head);
      const params = toTensors(tf, init);
      const lossOf = (...ps: tf.Tensor[]) =>
        crossEntropy(tf, headLogits(tf, head, asMap(names, ps), x), y);
      const grads = tf
        .grads(lossOf)(params)
        .map((g) => g.dataSync());
      const eps = 2e-3;
      let checked = 0;
      init.forEach((p, i) => {
        const picks = new Set<number>();
        while (picks.size < Math.min(4, p.data.length))
          picks.add(Math.floor(rng() * p.data.length));
        for (const j of picks) {
          const at = (delta: number) => {
            const data = p.data.slice();
            data[j] = data[j]! + delta;
            const ps = params.map((t, k) => (k === i ? tf.tensor(data, p.shape) : t));
            const v = lossOf(...ps).dataSync()[0]!;
            ps[i]!.dispose();
            return v;
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          const analytic = grads[i]![j]!;
          expect(
            Math.abs(analytic - numeric),
            `${p.name}[${j}]: ${analytic} vs ${numeric}`,
          ).toBeLessThan(2e-3 + 3e-2 * Math.abs(numeric));
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(init.length);
      // Not vacuous: the gradient is not zero everywhere.
      expect(grads.some((g) => g.some((v) => Math.abs(v) > 1e-4))).toBe(true);
      tf.dispose([x, y, ...params]);
    });
  }
});

describe('training', () => {
  it('every head learns a separable problem, repeatably for a seed', async () => {
    const d = 8;
    const rng = makeRng(2);
    const make = (n: number) => {
      const x = normalArray(n * d, 1, rng);
      const yv = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        yv[i] = i % 2;
        x[i * d] = x[i * d]! + (yv[i] ? 2 : -2);
      }
      return { x, y: yv };
    };
    const tr = make(200);
    const te = make(100);
    const data = { trainX: tr.x, trainY: tr.y, testX: te.x, testY: te.y };
    for (const spec of SPECS) {
      const head = { spec, channels: 2, classes: 2 };
      const cfg = { ...DEFAULT_TRAIN, epochs: 8, lr: 2e-2, batchSize: 32 };
      const a = await trainHead(tf, head, data, cfg);
      expect(a.curves.at(-1)!.testAcc, spec.kind).toBeGreaterThan(0.9);
      expect(a.curves[0]!.trainLoss).toBeGreaterThan(a.curves.at(-1)!.trainLoss);
      if (spec.kind === 'linear') {
        const b = await trainHead(tf, head, data, cfg);
        expect(b.params[0]!.data).toEqual(a.params[0]!.data);
        const sgd = await trainHead(tf, head, data, { ...cfg, optimizer: 'sgd', lr: 0.05 });
        expect(sgd.curves.at(-1)!.testAcc).toBeGreaterThan(0.9);
      }
    }
  }, 60_000);
});
