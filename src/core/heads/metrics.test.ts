import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmaxRows,
  confusionMatrix,
  misclassified,
  perClassAccuracy,
  softmax,
  topK,
} from './metrics';
import { applyStandardizer, fitStandardizer } from './standardize';
import { lrAt, checkTrainConfig, PAPER_RECIPE } from './optim';

describe('metrics', () => {
  const labels = [0, 0, 1, 1, 2, 2];
  const pred = [0, 1, 1, 1, 2, 0];
  it('accuracy, confusion, per class, misclassified', () => {
    expect(accuracy(labels, pred)).toBeCloseTo(4 / 6);
    const m = confusionMatrix(labels, pred, 3);
    expect(m).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(perClassAccuracy(m)).toEqual([0.5, 1, 0.5]);
    expect(misclassified(labels, pred)).toEqual([1, 5]);
    expect(
      perClassAccuracy([
        [0, 0],
        [0, 1],
      ])[0],
    ).toBeNaN();
  });
  it('argmax rows and top-k probabilities', () => {
    expect([...argmaxRows(new Float32Array([1, 3, 2, 9, 0, 0]), 3)]).toEqual([1, 0]);
    const s = softmax([0, Math.log(3)]);
    expect(s[0]).toBeCloseTo(0.25);
    expect(s[1]).toBeCloseTo(0.75);
    expect(softmax([1000, 1000])[0]).toBeCloseTo(0.5);
    const top = topK([0, Math.log(3), -50], 2);
    expect(top.map((r) => r.index)).toEqual([1, 0]);
    expect(top[0]!.probability).toBeCloseTo(0.75);
  });
  it('refuses mismatched lengths', () => {
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow();
  });
});

describe('standardisation', () => {
  it('makes columns mean 0, std 1; constant columns pass through centred', () => {
    const x = new Float32Array([1, 5, 3, 5, 5, 5]);
    const s = fitStandardizer(x, 2);
    expect([...s.mean]).toEqual([3, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3));
    expect(s.std[1]).toBe(1);
    const z = applyStandardizer(x, s);
    expect(z[0]! + z[2]! + z[4]!).toBeCloseTo(0);
    expect(z[1]).toBe(0);
  });
});

describe('learning-rate schedules', () => {
  it("the paper's StepLR: ×0.1 every 7 epochs", () => {
    expect(lrAt(PAPER_RECIPE, 0)).toBeCloseTo(1e-2);
    expect(lrAt(PAPER_RECIPE, 6)).toBeCloseTo(1e-2);
    expect(lrAt(PAPER_RECIPE, 7)).toBeCloseTo(1e-3);
    expect(lrAt(PAPER_RECIPE, 27)).toBeCloseTo(1e-5);
  });
  it('cosine from lr to 0 and constant', () => {
    const c = { lr: 1, epochs: 10, schedule: { kind: 'cosine' as const } };
    expect(lrAt(c, 0)).toBe(1);
    expect(lrAt(c, 5)).toBeCloseTo(0.5);
    expect(lrAt({ ...c, schedule: { kind: 'constant' } }, 9)).toBe(1);
  });
  it('refuses settings out of range', () => {
    expect(() => checkTrainConfig({ ...PAPER_RECIPE, lr: 0 })).toThrow(/learning rate/);
    expect(() => checkTrainConfig({ ...PAPER_RECIPE, epochs: 2.5 })).toThrow(/whole/);
    expect(() => checkTrainConfig(PAPER_RECIPE)).not.toThrow();
  });
});
