import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linearCka, minibatchCka } from '../../src/core/cka';
import { encodePng } from '../../src/core/image/png';
import { encodeNpy } from '../../src/core/npy';
import { gaussianNoise } from '../../src/core/noise';
import { parseCkaArgs } from './cka';
import { outputPaths, parseCkaMatrixArgs, type CkaMatrixJson } from './ckaMatrix';
import { extract } from './extract';
import { main } from '../main';

const MODEL = new URL('../../public/models/fmnist-adm-s/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-cka-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function npy(name: string, data: Float32Array | Float64Array, shape: number[]): string {
  const path = join(tmp, name);
  writeFileSync(path, encodeNpy(data, shape));
  return path;
}

describe('diffprobe cka', () => {
  // X = (±1, 0), (0, ±1); Y = X's first column: CKA = 1/√2 (see src/core/cka.test.ts)
  const a = npy('a.npy', Float32Array.from([1, 0, 0, 1, -1, 0, 0, -1]), [4, 2]);
  const b = npy('b.npy', Float64Array.from([1, 0, -1, 0]), [4]);

  it('prints {"cka": …} for two .npy files (hand-computed 1/√2)', async () => {
    const r = await run(['cka', '--a', a, '--b', b]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { cka: number; n: number; dA: number; dB: number };
    expect(json.cka).toBeCloseTo(Math.SQRT1_2, 12);
    expect([json.n, json.dA, json.dB]).toEqual([4, 2, 1]);
  });

  it('flattens extra dimensions and runs the minibatch estimator', async () => {
    const n = 40;
    const x = Float32Array.from(gaussianNoise(1, 'x', 0, n * 2 * 3 * 3));
    const pa = npy('x.npy', x, [n, 2, 3, 3]);
    const pb = npy('y.npy', Float32Array.from(gaussianNoise(2, 'z', 0, n * 4)), [n, 4]);
    const r1 = JSON.parse((await run(['cka', '--a', pa, '--b', pb])).out) as { cka: number };
    expect(r1.cka).toBeCloseTo(
      linearCka(x, Float32Array.from(gaussianNoise(2, 'z', 0, n * 4)), n, 18, 4),
      12,
    );
    const r2 = JSON.parse(
      (await run(['cka', '--a', pa, '--b', pb, '--method', 'minibatch', '--batch', '10'])).out,
    ) as { cka: number; batch: number };
    expect(r2.batch).toBe(10);
    expect(r2.cka).toBeCloseTo(
      minibatchCka(x, Float32Array.from(gaussianNoise(2, 'z', 0, n * 4)), n, 18, 4, 10),
      12,
    );
    const same = npy('y2.npy', x, [n, 18]);
    const r3 = JSON.parse((await run(['cka', '--a', same, '--b', same])).out) as { cka: number };
    expect(r3.cka).toBeCloseTo(1, 12);
  });

  it('says what is wrong with bad input', async () => {
    const c = npy('c.npy', new Float32Array(6), [3, 2]);
    expect((await run(['cka', '--a', a, '--b', c])).err).toMatch(
      /different numbers of rows.*4 and 3/,
    );
    expect((await run(['cka', '--a', a])).err).toMatch(/give --a/);
    expect((await run(['cka', '--a', a, '--b', join(tmp, 'nope.npy')])).err).toMatch(/nope\.npy/);
    expect((await run(['cka', '--a', a, '--b', b, '--method', 'rbf'])).err).toMatch(
      /linear or minibatch/,
    );
    expect((await run(['cka', '--a', a, '--b', b, '--batch', '2'])).err).toMatch(
      /from 4 to 1000000/,
    );
    const r = await run(['cka', '--a', a, '--b', b, '--method', 'minibatch', '--batch', '8']);
    expect(r.code).toBe(0); // one batch of the 4 rows
    writeFileSync(join(tmp, 'bad.npy'), 'not an npy');
    expect((await run(['cka', '--a', join(tmp, 'bad.npy'), '--b', b])).code).toBe(1);
    expect(() => parseCkaArgs(['--a', 'x', '--b', 'y', '--zzz'])).toThrow(/unknown option/);
  });
});

describe('diffprobe cka-matrix', () => {
  it('writes the block × block matrix as JSON and CSV, equal to CKA of extract’s features', async () => {
    const images = join(tmp, 'imgs');
    for (let i = 0; i < 12; i++) {
      const cls = i % 2 ? 'b' : 'a';
      mkdirSync(join(images, cls), { recursive: true });
      const px = Uint8Array.from(gaussianNoise(3, `p${i}`, 0, 784), (v) =>
        Math.max(0, Math.min(255, 128 + 60 * v + (i % 2) * 40)),
      );
      writeFileSync(join(images, cls, `${i}.png`), encodePng(px, 28, 28, 1));
    }
    const out = join(tmp, 'm.json');
    const r = await run([
      'cka-matrix',
      ...['--model', MODEL, '--images', images, '--t', '90', '--pool', '1', '--out', out],
      ...['--threads', '1'],
    ]);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as CkaMatrixJson;
    expect(json.n).toBe(12);
    expect(json.precision).toBe('float64');
    expect(json.blocks).toHaveLength(19);
    expect(json.blocks[0]).toMatchObject({ index: 1, stage: 'encoder', mirror: 19, d: 32 });
    expect(json.blocks[9]).toMatchObject({ index: 10, stage: 'middle', mirror: null });
    expect(json.mirror).toHaveLength(9);
    const M = json.cka;
    for (let i = 0; i < 19; i++) {
      expect(M[i]![i]).toBeCloseTo(1, 10);
      for (let j = 0; j < 19; j++) expect(M[i]![j]).toBe(M[j]![i]);
    }
    // the same features through extract + the pairwise core function
    const feats = join(tmp, 'feats');
    await extract({
      model: MODEL,
      images,
      out: feats,
      t: 90,
      blocks: [3, 12],
      pool: 1,
      seed: 0,
      noise: 'seeded',
      batch: 32,
      fit: 'crop',
      threads: 1,
    });
    const r2 = await run([
      'cka',
      ...['--a', join(feats, 'block_3.npy'), '--b', join(feats, 'block_12.npy')],
    ]);
    expect((JSON.parse(r2.out) as { cka: number }).cka).toBeCloseTo(M[2]![11]!, 10);
    const csv = readFileSync(outputPaths(out).csv, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(20);
    expect(csv[0]!.startsWith(',block 1 (encoder),block 2 (encoder)')).toBe(true);
    expect(Number(csv[3]!.split(',')[12])).toBeCloseTo(M[2]![11]!, 12);
  }, 60_000);

  it('checks its arguments', () => {
    expect(() => parseCkaMatrixArgs(['--model', 'm', '--images', 'i', '--t', '90'])).toThrow(
      /--out/,
    );
    expect(() =>
      parseCkaMatrixArgs(['--model', 'm', '--images', 'i', '--out', 'o', '--blocks', '1']),
    ).toThrow(/unknown option --blocks/);
    const o = parseCkaMatrixArgs(['--model', 'm', '--images', 'i', '--t', '90', '--out', 'o.json']);
    expect(o).toMatchObject({ pool: 2, seed: 0, method: 'linear', t: 90, precision: 'float64' });
    const mixed = [
      ...['--model', 'm', '--images', 'i', '--t', '9', '--out', 'o'],
      '--precision',
      'mixed',
    ];
    expect(parseCkaMatrixArgs(mixed).precision).toBe('mixed');
    expect(() =>
      parseCkaMatrixArgs([
        '--model',
        'm',
        '--images',
        'i',
        '--t',
        '9',
        '--out',
        'o',
        '--precision',
        'f16',
      ]),
    ).toThrow(/--precision must be float64 or mixed/);
    expect(outputPaths('o.json')).toEqual({ json: 'o.json', csv: 'o.csv' });
    expect(outputPaths('res/o')).toEqual({ json: 'res/o.json', csv: 'res/o.csv' });
  });
});
