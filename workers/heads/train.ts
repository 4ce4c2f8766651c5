import type * as TF from '@tensorflow/tfjs-core';
import { initParams } from '../../src/core/heads/init';
import type { NamedParam } from '../../src/core/heads/init';
import { lrAt } from '../../src/core/heads/optim';
import type { TrainConfig } from '../../src/core/heads/optim';
import { makeRng, permutation } from '../../src/core/heads/random';
import { applyStandardizer, fitStandardizer } from '../../src/core/heads/standardize';
import type { Standardizer } from '../../src/core/heads/standardize';
import {
  endEpoch,
  type EpochReport,
  type HeadData,
  type TrainHooks,
  type TrainOutcome,
} from '../../src/core/heads/training';
import { asMap, crossEntropy, headLogits, paramNames, toTensors } from './model';
import type { HeadShape, Tf } from './model';
import { HeadOptimizer } from './optimizer';

const EVAL_CHUNK = 1024;

/** Loss sum and correct count over a set, in chunks (numbers read back once). */
function evaluate(
  tf: Tf,
  head: HeadShape,
  params: TF.Tensor[],
  names: string[],
  x: TF.Tensor2D,
  y: TF.Tensor1D,
): { loss: TF.Scalar; correct: TF.Scalar; logits: TF.Tensor2D } {
  return tf.tidy(() => {
    const map = asMap(names, params);
    const n = x.shape[0];
    const parts: TF.Tensor2D[] = [];
    for (let s = 0; s < n; s += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - s);
      parts.push(headLogits(tf, head, map, tf.slice(x, [s, 0], [size, -1])));
    }
    const logits = parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as TF.Tensor2D);
    const loss = crossEntropy(tf, logits, y);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as TF.Scalar;
    return { loss, correct, logits };
  });
}

/**
 * Trains a head with tfjs autodiff (every kind; the app trains linear heads with
 * src/core/heads/linearTrainer.ts instead, see dispatch.ts): seeded init and epoch order, minibatch SGD or Adam with the
 * per-epoch learning rate of the schedule, optional feature standardisation (training statistics).
 */
export async function trainHead(
  tf: Tf,
  head: HeadShape,
  data: HeadData,
  config: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const d = data.trainX.length / data.trainY.length;
  const nTrain = data.trainY.length;
  const nTest = data.testY.length;
  if (!Number.isInteger(d) || d !== head.channels * head.spec.pool ** 2)
    throw new RangeError(
      `features have ${d} values per item, the head takes ${head.channels}×${head.spec.pool}²`,
    );
  const standardizer = config.standardize ? fitStandardizer(data.trainX, d) : null;
  const trainRows = standardizer ? applyStandardizer(data.trainX, standardizer) : data.trainX;
  const testRows = standardizer ? applyStandardizer(data.testX, standardizer) : data.testX;
  const names = paramNames(head);
  const xTrain = tf.tensor2d(trainRows, [nTrain, d]);
  const yTrain = tf.tensor1d(data.trainY, 'int32');
  const xTest = tf.tensor2d(testRows, [nTest, d]);
  const yTest = tf.tensor1d(data.testY, 'int32');
  let params = toTensors(tf, initParams(head.spec, head.channels, head.classes, config.seed));
  const opt = new HeadOptimizer(tf, config, params);
  const rng = makeRng(config.seed + 1);
  const curves: EpochReport[] = [];
  const lossOf =
    (x: TF.Tensor2D, y: TF.Tensor1D) =>
    (...ps: TF.Tensor[]) =>
      crossEntropy(tf, headLogits(tf, head, asMap(names, ps), x), y);
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const lr = lrAt(config, epoch);
      const order = permutation(nTrain, rng);
      const t0 = performance.now();
      // One gather per epoch puts the rows in this epoch's order; batches are then slices.
      const [xEpoch, yEpoch] = tf.tidy(() => {
        const it = tf.tensor1d(order, 'int32');
        return [tf.gather(xTrain, it) as TF.Tensor2D, tf.gather(yTrain, it) as TF.Tensor1D];
      });
      let lossSum = tf.scalar(0);
      for (let s = 0; s < nTrain; s += config.batchSize) {
        const size = Math.min(config.batchSize, nTrain - s);
        const { value, grads } = tf.tidy(() => {
          const xb = tf.slice(xEpoch, [s, 0], [size, d]);
          const yb = tf.slice(yEpoch, [s], [size]);
          return tf.valueAndGrads(lossOf(xb, yb))(params);
        });
        params = opt.apply(params, grads, lr);
        tf.dispose(grads);
        const nextLoss = tf.add(lossSum, tf.mul(value, size));
        tf.dispose([lossSum, value]);
        lossSum = nextLoss as TF.Scalar;
        if (hooks.checkpoint && (s / config.batchSize) % 8 === 7) await hooks.checkpoint();
      }
      tf.dispose([xEpoch, yEpoch]);
      // The mean loss of the epoch's minibatches (as they were seen), like a PyTorch loop logs it.
      const trainLoss = (await lossSum.data())[0]! / nTrain;
      tf.dispose(lossSum);
      const ms = performance.now() - t0;
      let trainAcc = NaN;
      let testLoss = NaN;
      let testAcc = NaN;
      if (hooks.evalEveryEpoch !== false || epoch === config.epochs - 1) {
        // Accuracy of the head at the end of the epoch, on the whole training set.
        const tr = evaluate(tf, head, params, names, xTrain, yTrain);
        trainAcc = (await tr.correct.data())[0]! / nTrain;
        tf.dispose([tr.loss, tr.correct, tr.logits]);
        const ev = evaluate(tf, head, params, names, xTest, yTest);
        testLoss = (await ev.loss.data())[0]!;
        testAcc = nTest ? (await ev.correct.data())[0]! / nTest : NaN;
        tf.dispose([ev.loss, ev.correct, ev.logits]);
      }
      await endEpoch(curves, hooks, epoch, config.epochs, {
        lr,
        trainLoss,
        trainAcc,
        testLoss,
        testAcc,
        ms,
      });
    }
    const ev = evaluate(tf, head, params, names, xTest, yTest);
    const testLogits = (await ev.logits.data()) as Float32Array;
    tf.dispose([ev.loss, ev.correct, ev.logits]);
    const shapes = initParams(head.spec, head.channels, head.classes, 0);
    const out: NamedParam[] = [];
    for (let i = 0; i < params.length; i++)
      out.push({
        name: names[i]!,
        shape: shapes[i]!.shape,
        data: (await params[i]!.data()) as Float32Array,
      });
    return { params: out, standardizer, testLogits, curves };
  } finally {
    opt.dispose();
    tf.dispose([...params, xTrain, yTrain, xTest, yTest]);
  }
}

/** Logits [n, K] of a trained head for raw (unstandardised) feature rows. */
export async function predictLogits(
  tf: Tf,
  head: HeadShape,
  params: NamedParam[],
  standardizer: Standardizer | null,
  rows: Float32Array,
): Promise<Float32Array> {
  const d = head.channels * head.spec.pool ** 2;
  const x = standardizer ? applyStandardizer(rows, standardizer) : rows;
  const tensors = toTensors(tf, params);
  try {
    const logits = tf.tidy(() =>
      headLogits(tf, head, asMap(paramNames(head), tensors), tf.tensor2d(x, [x.length / d, d])),
    );
    const out = (await logits.data()) as Float32Array;
    logits.dispose();
    return out;
  } finally {
    tf.dispose(tensors);
  }
}
