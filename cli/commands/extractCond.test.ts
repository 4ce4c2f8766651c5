import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/core/image/png';
import { encodeNpy, parseNpy } from '../../src/core/npy';
import { condManifest, condModel } from '../../test/condUnet';
import { main } from '../main';
import type { IndexJson } from './extract';
import { inspect } from './inspect';

const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-cond-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const folder = join(tmp, 'model');
const bare = join(tmp, 'bare.onnx');
const images = join(tmp, 'imgs');

beforeAll(() => {
  const bytes = condModel();
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.onnx'), bytes);
  writeFileSync(bare, bytes);
  const manifest = condManifest(bytes);
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
  for (const [k, name] of ['a/0.png', 'a/1.png', 'b/2.png'].entries()) {
    mkdirSync(join(images, name.split('/')[0]!), { recursive: true });
    const px = Uint8Array.from({ length: 16 }, (_, i) => (i * 13 + k * 40) % 256);
    writeFileSync(join(images, name), encodePng(px, 4, 4, 1));
  }
  const ctx = (shape: number[], rowValue: (r: number) => number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const per = 6;
    return encodeNpy(
      Float32Array.from({ length: n }, (_, i) => rowValue(Math.floor(i / per))),
      shape,
    );
  };
  writeFileSync(
    join(tmp, 'ctx.npy'),
    ctx([2, 3], () => 0.5),
  );
  writeFileSync(
    join(tmp, 'ctx3.npy'),
    ctx([3, 2, 3], (r) => r + 1),
  );
  writeFileSync(
    join(tmp, 'ctx-wrong.npy'),
    ctx([3, 4], () => 0),
  );
});

async function run(args: string[]): Promise<{ status: number; err: string }> {
  const err: string[] = [];
  const status = await main(args, { out: () => {}, err: (t) => err.push(t) });
  return { status, err: err.join('') };
}

function extractArgs(out: string, cond: string[], model = folder): string[] {
  const flags = cond.flatMap((c) => ['--cond', c]);
  return [
    'extract',
    '--model',
    model,
    '--images',
    images,
    '--t',
    '7',
    '--blocks',
    '1-3',
    '--pool',
    '1',
    '--noise',
    'none',
    '--threads',
    '1',
    '--out',
    out,
    ...flags,
  ];
}

const block = (dir: string, b: number): number[] =>
  Array.from(
    parseNpy(new Uint8Array(readFileSync(join(dir, `block_${b}.npy`)))).data as Float32Array,
  );

describe('extract --cond', () => {
  it('feeds one class id to every image and context broadcast or per image', async () => {
    const a = join(tmp, 'out-a');
    const b = join(tmp, 'out-b');
    expect((await run(extractArgs(a, ['y=3', `ctx=${join(tmp, 'ctx.npy')}`]))).status).toBe(0);
    expect((await run(extractArgs(b, ['y=1', `ctx=${join(tmp, 'ctx3.npy')}`]))).status).toBe(0);
    // block_1 = x + y: the class id is added to every image
    block(a, 1).forEach((v, i) => expect(v - block(b, 1)[i]!).toBeCloseTo(2, 5));
    // block_2 − block_1 = mean(ctx): 0.5 for all ([2, 3] broadcast), the row's value per image
    block(a, 2).forEach((v, i) => expect(v - block(a, 1)[i]!).toBeCloseTo(0.5, 5));
    block(b, 2).forEach((v, i) => expect(v - block(b, 1)[i]!).toBeCloseTo(i + 1, 5));
    // block_3 − block_2 = t
    block(a, 3).forEach((v, i) => expect(v - block(a, 2)[i]!).toBeCloseTo(7, 5));
    const index = JSON.parse(readFileSync(join(a, 'index.json'), 'utf8')) as IndexJson;
    expect(index.conditioning).toEqual([
      { name: 'y', role: 'class', class: 3 },
      { name: 'ctx', role: 'context', file: join(tmp, 'ctx.npy'), shape: [2, 3] },
    ]);
    expect(index.schedule).toEqual({ kind: 'cosine', T: 1000 });
  }, 60_000);

  it('names each input that gets no value and says what to give', async () => {
    const r = await run(extractArgs(join(tmp, 'none'), []));
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('has 2 inputs that nothing fills');
    expect(r.err).toContain(
      "input 'y' (int64 [batch], role class): give --cond y=INTEGER (a class id in 0..9)",
    );
    expect(r.err).toContain(
      "input 'ctx' (float32 [batch, 2, 3], role context): give --cond ctx=FILE.npy (float32 [2, 3]",
    );
  });

  it('refuses a class id out of range, a context of the wrong shape and an unknown input', async () => {
    const ctx = `ctx=${join(tmp, 'ctx.npy')}`;
    let r = await run(extractArgs(join(tmp, 'x1'), ['y=10', ctx]));
    expect(r.err).toContain('--cond y=10: class id out of range (0..9)');
    r = await run(extractArgs(join(tmp, 'x2'), ['y=1', `ctx=${join(tmp, 'ctx-wrong.npy')}`]));
    expect(r.err).toContain('ctx-wrong.npy has shape [3, 4]; the input takes [2, 3]');
    r = await run(extractArgs(join(tmp, 'x3'), ['y=1', ctx, 'mask=2']));
    expect(r.err).toContain(
      '--cond mask: the model has no conditioning input of that name (it has: y (class',
    );
    r = await run(extractArgs(join(tmp, 'x4'), ['y=cat']));
    expect(r.err).toContain('--cond y: "cat" is neither an integer nor a .npy file');
  });

  it('guesses class and context roles of a bare .onnx; inspect prints every role', async () => {
    const r = await inspect(bare, { threads: 1, run: false });
    expect(r.inputs.map((i) => [i.name, i.dtype, i.shape, i.role])).toEqual([
      ['x', 'float32', ['batch', 1, 4, 4], 'sample'],
      ['t', 'float32', ['batch'], 'timestep'],
      ['y', 'int64', ['batch'], 'class'],
      ['ctx', 'float32', ['batch', 2, 3], 'context'],
    ]);
    expect(r.warnings.join('\n')).toMatch(/give --cond y=INTEGER \(an integer class id\)/);
    const m = await inspect(folder, { threads: 1, run: false });
    expect(m.inputs.map((i) => i.role)).toEqual(['sample', 'timestep', 'class', 'context']);
    expect(m.inputs[2]!.classes).toBe(10);
    // A bare .onnx runs with --cond too (class count unknown: any id ≥ 0).
    const out = join(tmp, 'bare-out');
    const ok = await run(extractArgs(out, ['y=12', `ctx=${join(tmp, 'ctx.npy')}`], bare));
    expect(ok.status).toBe(0);
  }, 60_000);
});
