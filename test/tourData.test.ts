/**
 * The shipped tour.json against a fresh computation on a small subset: the same script code
 * (scripts/tourCompute.ts: the CLI's extract, the app's linear trainer, the CLI's CKA kernel)
 * recomputes three sweep cells, one head and a 3×3 corner of the CKA matrix. The file also has
 * to tell the story the tour's text tells.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestCell } from '../src/core/heads/sweep';
import { sweepAcc, TOUR_FILE, TOUR_SETTINGS, validateTourData } from '../src/core/tour/data';
import { ckaOfBlocks, extractDemo, MODEL_DIR, probeAccuracy } from '../scripts/tourCompute';

const json: unknown = JSON.parse(readFileSync(join(MODEL_DIR, TOUR_FILE), 'utf8'));
const v = validateTourData(json);
if (!v.ok) throw new Error(`the shipped tour.json is invalid: ${v.errors.join('; ')}`);
const shipped = v.data;
const S = TOUR_SETTINGS;

/** Accuracies on the 1,000 test images: a few images may flip with float rounding. */
const ACC_TOL = 0.006;
const CKA_TOL = 2e-3;

describe('tour.json', () => {
  it('was computed on the shipped model with the tour settings', () => {
    const sha = createHash('sha256')
      .update(readFileSync(join(MODEL_DIR, 'model.onnx')))
      .digest('hex');
    expect(shipped.modelSha256).toBe(sha);
    expect(shipped.model).toBe(S.model);
    expect(shipped.sweep.ts).toEqual(S.sweep.ts);
    expect(shipped.sweep.pool).toBe(S.sweep.pool);
    expect(shipped.sweep.epochs).toBe(S.sweep.epochs);
    expect(shipped.sweep.blocks).toHaveLength(19);
    expect(shipped.heads.map((h) => h.block)).toEqual(S.heads.blocks);
    expect(shipped.cka).toMatchObject({ t: S.cka.t, pool: S.cka.pool, n: S.cka.n });
    expect(shipped.images).toEqual({ train: 2000, test: 1000 });
  });

  it('tells the paper’s story: a gap between the heads, a peak in the first decoder blocks, the X', () => {
    const [early, decoder] = shipped.heads;
    expect(decoder!.testAcc - early!.testAcc).toBeGreaterThan(0.05);
    const best = bestCell(shipped.sweep)!;
    expect(best.block).toBeGreaterThanOrEqual(11); // the decoder starts after block 10
    expect(best.block).toBeLessThanOrEqual(15);
    expect(best.t).toBeLessThanOrEqual(90);
    // Noise hurts: at the best block, t=500 is well below the best t.
    expect(sweepAcc(shipped.sweep, best.block, 500)!).toBeLessThan(best.acc - 0.05);
    // The X: the encoder's first blocks (1–4) are far more like their mirrors (20 − b, fed by
    // the skip connections) than like the middle block.
    const { blocks, values } = shipped.cka;
    const at = (a: number, b: number) => values[blocks.indexOf(a)]![blocks.indexOf(b)]!;
    for (let b = 1; b <= 4; b++)
      expect(at(b, 20 - b), `block ${b}`).toBeGreaterThan(at(b, 10) + 0.2);
  });

  it('matches a fresh computation of three sweep cells and the early head (t = 10)', async () => {
    const ex = await extractDemo(10, [1, 2, 3], S.sweep.pool, S.seed, 2);
    for (const b of [1, 2, 3]) {
      const acc = await probeAccuracy(ex, b, S.sweep.pool, S.sweep.epochs);
      expect(Math.abs(acc - sweepAcc(shipped.sweep, b, 10)!), `block ${b}`).toBeLessThan(ACC_TOL);
    }
    const head = shipped.heads.find((h) => h.block === 2)!;
    const acc = await probeAccuracy(ex, 2, head.pool, head.epochs);
    expect(Math.abs(acc - head.testAcc)).toBeLessThan(ACC_TOL);
  }, 300_000);

  it('matches a fresh CKA of blocks 1–3 on the same images', async () => {
    const ex = await extractDemo(S.cka.t, [1, 2, 3], S.cka.pool, S.seed, 2);
    const fresh = ckaOfBlocks(ex, [1, 2, 3], S.cka.n);
    const { blocks, values } = shipped.cka;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const want = values[blocks.indexOf(i + 1)]![blocks.indexOf(j + 1)]!;
        expect(Math.abs(fresh[i]![j]! - want), `${i + 1}×${j + 1}`).toBeLessThan(CKA_TOL);
      }
  }, 300_000);
});
