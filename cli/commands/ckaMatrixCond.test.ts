/**
 * `diffprobe cka-matrix --cond` on the tiny conditional model with block_4 = Relu(block_3)
 * (test/condUnet.ts): blocks 1–3 are the noised image shifted by the class, the context's mean
 * and t, so their CKA is 1 whatever the class (centred CKA ignores a shift); with a context of
 * mean −0.6 at t = 0 the Relu clips most values for class 0 but none for class 3, so
 * CKA(block 3, block 4) tells the classes apart (about 0.70 against 1).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linearCka } from '../../src/core/cka';
import { writeCondSweepData } from '../../test/condSweepData';
import { main } from '../main';
import { readRows } from './cka';
import type { CkaMatrixJson } from './ckaMatrix';
import { extract } from './extract';

const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-cka-cond-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const d = writeCondSweepData(tmp);

async function run(argv: string[]): Promise<{ status: number; err: string }> {
  const err: string[] = [];
  const status = await main(argv, { out: () => {}, err: (t) => err.push(t) });
  return { status, err: err.join('') };
}

const ckaArgs = (out: string, cond: string[]): string[] => [
  ...['cka-matrix', '--model', d.reluModel, '--images', d.images, '--t', '0', '--pool', '2'],
  ...['--threads', '1', '--out', out, ...cond.flatMap((c) => ['--cond', c])],
];

async function matrix(y: number): Promise<CkaMatrixJson> {
  const out = join(tmp, `m${y}.json`);
  const r = await run(ckaArgs(out, [`y=${y}`, `ctx=${d.ctxNeg}`]));
  expect(r.status, r.err).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as CkaMatrixJson;
}

describe('diffprobe cka-matrix --cond', () => {
  it('computes features with the class and context, and records them', async () => {
    const [m0, m3] = [await matrix(0), await matrix(3)];
    for (const m of [m0, m3])
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) expect(m.cka[i]![j]).toBeCloseTo(1, 9);
    expect(m3.cka[2]![3]).toBeCloseTo(1, 9);
    expect(m0.cka[2]![3]).toBeLessThan(0.99);
    // The same features through extract --cond and the pairwise core function.
    const feats = join(tmp, 'feats0');
    await extract({
      ...{ model: d.reluModel, images: d.images, out: feats, t: 0, blocks: [3, 4], pool: 2 },
      ...{ seed: 0, noise: 'seeded', batch: 32, fit: 'crop', threads: 1 },
      cond: [
        { name: 'y', value: { kind: 'int', value: 0 } },
        { name: 'ctx', value: { kind: 'file', path: d.ctxNeg } },
      ],
    });
    const [a, b] = [readRows(join(feats, 'block_3.npy')), readRows(join(feats, 'block_4.npy'))];
    expect(linearCka(a.data, b.data, a.n, a.d, b.d)).toBeCloseTo(m0.cka[2]![3]!, 10);
    const digest = createHash('sha256')
      .update(new Uint8Array(new Float32Array(6).fill(-0.6).buffer))
      .digest('hex');
    expect(m3.conditioning).toEqual([
      { name: 'y', role: 'class', class: 3 },
      { name: 'ctx', role: 'context', context: 'ctx-neg.npy', digest },
    ]);
  }, 60_000);

  it('names the inputs without a value and refuses values that do not fit', async () => {
    let r = await run(ckaArgs(join(tmp, 'x.json'), []));
    expect(r.status).toBe(1);
    expect(r.err).toContain("input 'y' (int64 [batch], role class): give --cond y=INTEGER");
    r = await run(ckaArgs(join(tmp, 'x.json'), ['y=10', `ctx=${d.ctx}`]));
    expect(r.status).toBe(1);
    expect(r.err).toContain('--cond y=10: class id out of range (0..9)');
    r = await run(ckaArgs(join(tmp, 'x.json'), ['y=1', `ctx=${d.ctxWrong}`]));
    expect(r.status).toBe(1);
    expect(r.err).toContain('ctx-wrong.npy has shape [3, 4]; the input takes [2, 3]');
    r = await run(ckaArgs(join(tmp, 'x.json'), ['y=1', `ctx=${d.ctx}`, 'z=1']));
    expect(r.status).toBe(1);
    expect(r.err).toContain('--cond z: the model has no conditioning input of that name');
  });
});
