import type { NamedParam } from '../../src/core/heads/init';
import { predictLinear, trainLinear } from '../../src/core/heads/linearTrainer';
import type { LinearHead } from '../../src/core/heads/linearTrainer';
import type { TrainConfig } from '../../src/core/heads/optim';
import type { Standardizer } from '../../src/core/heads/standardize';
import type { HeadData, TrainHooks, TrainOutcome } from '../../src/core/heads/training';
import type { HeadTrainer } from '../../src/protocol/heads';
import type { HeadShape, Tf } from './model';
import { predictLogits, trainHead } from './train';

function isLinear(head: HeadShape): head is LinearHead {
  return head.spec.kind === 'linear';
}

/**
 * Trains a head the way the app does: a linear head with the exact softmax-regression gradient
 * in plain typed arrays (tfjs's fixed cost per op dominates its tiny ops), every other head with
 * tfjs autodiff on the worker's backend. Both give the same outcome for the same config.
 */
export function trainAnyHead(
  tf: Tf,
  head: HeadShape,
  data: HeadData,
  config: TrainConfig,
  hooks: TrainHooks = {},
  trainer: HeadTrainer = 'auto',
): Promise<TrainOutcome> {
  if (trainer === 'auto' && isLinear(head)) return trainLinear(head, data, config, hooks);
  return trainHead(tf, head, data, config, hooks);
}

/** Logits [n, K] of a trained head for raw feature rows, by the same split as trainAnyHead. */
export async function predictAnyHead(
  tf: Tf,
  head: HeadShape,
  params: NamedParam[],
  standardizer: Standardizer | null,
  rows: Float32Array,
): Promise<Float32Array> {
  if (isLinear(head)) return predictLinear(head, params, standardizer, rows);
  return predictLogits(tf, head, params, standardizer, rows);
}
