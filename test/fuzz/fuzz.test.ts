/**
 * Every fuzz target for a bounded, seeded number of cases (`npm run fuzz` runs them for as long
 * as asked). A failure names the seed and path that reproduce it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runTarget, TEST_HANG_MS } from './harness';
import { TARGETS } from './targets';

/** Fixed, so the unit tests see the same cases on every run. */
const SEED = 17;
const RUNS: Record<string, number> = { onnx: 60, zip: 150, head: 150 };

describe('fuzz (bounded)', () => {
  for (const target of TARGETS) {
    it(`${target.name}: parses to a valid value or throws its own error`, async () => {
      const r = await runTarget(target, {
        seed: SEED,
        numRuns: RUNS[target.name] ?? 200,
        deadlineMs: TEST_HANG_MS,
      });
      if (r.failed) {
        expect.fail(
          `${fc.defaultReportMessage(r)}\nreproduce: npm run fuzz -- --only ${target.name} --seed ${r.seed} --path ${r.counterexamplePath}`,
        );
      }
    }, 30_000);
  }
});
