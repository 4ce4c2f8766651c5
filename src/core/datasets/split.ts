/**
 * A stratified, seeded train/test split: within each class, items are shuffled with a PRNG
 * seeded from (seed, class) and the first round(n · testFraction) go to test. A class of two or
 * more items keeps at least one item on each side (when 0 < testFraction < 1), so every class
 * can be both learned and scored. The same items in the same order give the same split.
 */

import { mulberry32 } from '../random';

export type SplitName = 'train' | 'test';

export interface SplitOptions {
  seed: number;
  /** Share of each class that goes to test, in [0, 1]. */
  testFraction: number;
}

export const DEFAULT_SPLIT: SplitOptions = { seed: 0, testFraction: 0.2 };

/** In-place Fisher–Yates shuffle with `random`. */
export function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** How many of a class of `n` go to test. */
export function testCount(n: number, testFraction: number): number {
  if (!(testFraction >= 0 && testFraction <= 1)) {
    throw new RangeError(`the test share must be in [0, 1], got ${testFraction}`);
  }
  let k = Math.round(n * testFraction);
  if (n >= 2 && testFraction > 0 && testFraction < 1) k = Math.min(n - 1, Math.max(1, k));
  return k;
}

/** The split of each item, given its class label (items in a stable order, e.g. by path). */
export function stratifiedSplit(labels: readonly number[], options: SplitOptions): SplitName[] {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  const out: SplitName[] = labels.map(() => 'train');
  for (const [label, idx] of byClass) {
    const random = mulberry32((options.seed * 0x9e3779b1) ^ Math.imul(label + 1, 0x85ebca6b));
    const shuffled = shuffle([...idx], random);
    const k = testCount(idx.length, options.testFraction);
    for (let i = 0; i < k; i++) out[shuffled[i]!] = 'test';
  }
  return out;
}
