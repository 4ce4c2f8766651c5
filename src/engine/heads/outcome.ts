/** What a finished training becomes: the stored head, the panel's result, the list's entry. */
import type { TrainedHead } from '../../core/heads/format';
import {
  accuracy,
  argmaxRows,
  confusionMatrix,
  misclassified,
  perClassAccuracy,
} from '../../core/heads/metrics';
import type { TrainConfig } from '../../core/heads/optim';
import {
  describeConditioningRecord,
  type ConditioningRecord,
} from '../../core/conditioning/conditioning';
import { describeSpec, type HeadSpec } from '../../core/heads/spec';
import type { TrainOutcome } from '../../protocol/heads';
import type { HeadResult, SavedHeadInfo } from '../../store/slices/heads';
import type { LabeledImages } from '../datasets/access';
import { HEADS_NOISE_SEED } from './features';

export function headInfo(h: TrainedHead): SavedHeadInfo {
  return {
    id: h.id,
    name: h.name,
    modelId: h.model.id,
    block: h.block,
    t: h.t,
    description: describeSpec(h.spec),
    testAcc: h.accuracy.test,
    createdAt: h.createdAt,
  };
}

/** What the head was trained on and how. */
export interface HeadRecipe {
  model: { id: string; sha256: string };
  block: number;
  t: number;
  channels: number;
  spec: HeadSpec;
  train: TrainConfig;
  conditioning?: ConditioningRecord[];
}

/** The trained head (to store and export) and its evaluation on the test split. */
export function headOutcome(
  recipe: HeadRecipe,
  data: LabeledImages,
  outcome: TrainOutcome,
): { head: TrainedHead; result: HeadResult } {
  const K = data.classes.length;
  const labels = data.test.labels;
  const predicted = argmaxRows(outcome.testLogits, K);
  const confusion = confusionMatrix(labels, predicted, K);
  const perClass = perClassAccuracy(confusion);
  const testAcc = accuracy(labels, predicted);
  const head: TrainedHead = {
    id: crypto.randomUUID(),
    // A conditional model's heads are told apart by what its inputs got (list, export file).
    name: `${describeSpec(recipe.spec)} · block ${recipe.block} · t=${recipe.t}${recipe.conditioning?.length ? ` · ${describeConditioningRecord(recipe.conditioning)}` : ''}`,
    createdAt: new Date().toISOString(),
    seed: HEADS_NOISE_SEED,
    noise: 'seeded',
    ...recipe,
    classes: data.classes,
    standardizer: outcome.standardizer,
    accuracy: { test: testAcc, perClass },
    params: outcome.params,
  };
  const result: HeadResult = {
    headId: head.id,
    title: head.name,
    testAcc,
    perClass,
    confusion,
    classes: data.classes,
    misclassified: misclassified(labels, predicted)
      .slice(0, 60)
      .map((i) => ({ item: data.test.items[i]!, label: labels[i]!, predicted: predicted[i]! })),
    msPerEpoch: outcome.curves.reduce((a, c) => a + c.ms, 0) / Math.max(1, outcome.curves.length),
  };
  return { head, result };
}
