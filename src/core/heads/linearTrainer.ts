/**
 * The linear head's trainer in plain typed arrays: softmax regression with the exact
 * cross-entropy gradient (dense.ts). It means what workers/heads/train.ts's tfjs trainHead means
 * for the same config — same initial weights (initParams), same seeded epoch order
 * (makeRng(seed + 1), one permutation per epoch), same standardiser, same learning rate per epoch
 * (lrAt), PyTorch's SGD and Adam (typedOptimizer.ts), same reports and outcome — without tfjs's
 * fixed cost per op, which dominates a linear probe's tiny ops.
 */
import { linearLogits, scoreLogits, softmaxXentGrad, transpose } from './dense';
import { initParams } from './init';
import type { NamedParam } from './init';
import { lrAt } from './optim';
import type { TrainConfig } from './optim';
import { makeRng, permutation } from './random';
import type { LinearSpec } from './spec';
import { applyStandardizer, fitStandardizer } from './standardize';
import type { Standardizer } from './standardize';
import {
  endEpoch,
  type EpochReport,
  type HeadData,
  type TrainHooks,
  type TrainOutcome,
} from './training';
import { TypedOptimizer } from './typedOptimizer';

export interface LinearHead {
  spec: LinearSpec;
  channels: number;
  classes: number;
}

/** Yield to `checkpoint` (cancellation) about this often while training. */
const CHECKPOINT_MS = 25;

/** The head's weights: wt [K, d] (fc.w transposed, see dense.ts) and b [K]. */
interface LinearWeights {
  wt: Float32Array;
  b: Float32Array;
}

function inputSize(head: LinearHead): number {
  return head.channels * head.spec.pool ** 2;
}

function fromParams(params: NamedParam[], d: number, K: number): LinearWeights {
  const w = params.find((p) => p.name === 'fc.w');
  const b = params.find((p) => p.name === 'fc.b');
  if (!w || !b || w.data.length !== d * K || b.data.length !== K)
    throw new RangeError(`a linear head on ${d} features with ${K} classes needs fc.w and fc.b`);
  return { wt: transpose(w.data, d, K, new Float32Array(d * K)), b: Float32Array.from(b.data) };
}

function toParams(weights: LinearWeights, d: number, K: number): NamedParam[] {
  return [
    { name: 'fc.w', shape: [d, K], data: transpose(weights.wt, K, d, new Float32Array(d * K)) },
    { name: 'fc.b', shape: [K], data: weights.b.slice() },
  ];
}

/** Trains a linear head; the same contract as trainHead (workers/heads/train.ts). */
export async function trainLinear(
  head: LinearHead,
  data: HeadData,
  config: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const d = data.trainX.length / data.trainY.length;
  const K = head.classes;
  const nTrain = data.trainY.length;
  const nTest = data.testY.length;
  if (!Number.isInteger(d) || d !== inputSize(head))
    throw new RangeError(
      `features have ${d} values per item, the head takes ${head.channels}×${head.spec.pool}²`,
    );
  for (const labels of [data.trainY, data.testY])
    for (let i = 0; i < labels.length; i++)
      if (!(labels[i]! >= 0 && labels[i]! < K))
        throw new RangeError(`label ${labels[i]} at ${i} is not a class of ${K}`);
  const standardizer = config.standardize ? fitStandardizer(data.trainX, d) : null;
  const trainX = standardizer ? applyStandardizer(data.trainX, standardizer) : data.trainX;
  const testX = standardizer ? applyStandardizer(data.testX, standardizer) : data.testX;
  const weights = fromParams(initParams(head.spec, head.channels, K, config.seed), d, K);
  const params = [weights.wt, weights.b];
  const grads = [new Float64Array(d * K), new Float64Array(K)];
  const z = new Float64Array(Math.min(config.batchSize, nTrain) * K);
  const opt = new TypedOptimizer(config, [d * K, K]);
  const rng = makeRng(config.seed + 1);
  const curves: EpochReport[] = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const lr = lrAt(config, epoch);
    const order = permutation(nTrain, rng);
    const t0 = performance.now();
    let lastYield = t0;
    let lossSum = 0;
    for (let s = 0; s < nTrain; s += config.batchSize) {
      const size = Math.min(config.batchSize, nTrain - s);
      lossSum += softmaxXentGrad(
        trainX,
        data.trainY,
        d,
        order,
        s,
        size,
        weights.wt,
        weights.b,
        grads[0]!,
        grads[1]!,
        z,
      );
      opt.apply(params, grads, lr);
      if (hooks.checkpoint && performance.now() - lastYield > CHECKPOINT_MS) {
        await hooks.checkpoint();
        lastYield = performance.now();
      }
    }
    const ms = performance.now() - t0;
    let trainAcc = NaN;
    let testLoss = NaN;
    let testAcc = NaN;
    if (hooks.evalEveryEpoch !== false || epoch === config.epochs - 1) {
      // Accuracy of the head at the end of the epoch, on the whole training set.
      trainAcc =
        scoreLogits(linearLogits(trainX, d, weights.wt, weights.b), data.trainY, K).correct /
        nTrain;
      const ev = scoreLogits(linearLogits(testX, d, weights.wt, weights.b), data.testY, K);
      testLoss = nTest ? ev.lossSum / nTest : NaN;
      testAcc = nTest ? ev.correct / nTest : NaN;
    }
    // The mean loss of the epoch's minibatches (as they were seen), like a PyTorch loop logs it.
    const trainLoss = lossSum / nTrain;
    await endEpoch(curves, hooks, epoch, config.epochs, {
      lr,
      trainLoss,
      trainAcc,
      testLoss,
      testAcc,
      ms,
    });
  }
  const testLogits = Float32Array.from(linearLogits(testX, d, weights.wt, weights.b));
  return { params: toParams(weights, d, K), standardizer, testLogits, curves };
}

/** Logits [n, K] of a trained linear head for raw (unstandardised) feature rows. */
export function predictLinear(
  head: LinearHead,
  params: NamedParam[],
  standardizer: Standardizer | null,
  rows: Float32Array,
): Float32Array {
  const d = inputSize(head);
  if (rows.length % d !== 0) throw new RangeError(`${rows.length} values are not rows of ${d}`);
  const x = standardizer ? applyStandardizer(rows, standardizer) : rows;
  const w = fromParams(params, d, head.classes);
  return Float32Array.from(linearLogits(x, d, w.wt, w.b));
}
