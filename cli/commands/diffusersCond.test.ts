/**
 * A diffusers-style text-conditional export (sample, timestep, encoder_hidden_states →
 * out_sample), bare .onnx with no manifest: inspect names every input's role, extract feeds a
 * context file and refuses to run without one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/core/image/png';
import { encodeNpy, parseNpy } from '../../src/core/npy';
import { contextData, diffusersModel, type DiffusersTimestep } from '../../test/diffusersUnet';
import { main } from '../main';
import type { IndexJson } from './extract';
import { inspect } from './inspect';
import { sweep } from './sweep';
import { parseSweepArgs } from './sweepArgs';

const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-diffusers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const images = join(tmp, 'imgs');
const model = (kind: DiffusersTimestep) => join(tmp, `unet-${kind}.onnx`);
const npy = (name: string) => join(tmp, name);

beforeAll(() => {
  for (const kind of ['scalar-int64', 'scalar-float', 'batch-float'] as const) {
    writeFileSync(model(kind), diffusersModel(kind));
  }
  for (const [k, name] of ['a/0.png', 'a/1.png', 'b/2.png'].entries()) {
    mkdirSync(join(images, name.split('/')[0]!), { recursive: true });
    const px = Uint8Array.from({ length: 256 }, (_, i) => (i * 13 + k * 40) % 256);
    writeFileSync(join(images, name), encodePng(px, 16, 16, 1));
  }
  writeFileSync(
    npy('empty.npy'),
    encodeNpy(
      contextData((_, i) => Math.sin(i * 0.1)),
      [77, 32],
    ),
  );
  writeFileSync(
    npy('cat.npy'),
    encodeNpy(
      contextData((_, i) => Math.cos(i * 0.7) * 2),
      [77, 32],
    ),
  );
  // Per image: row r is `empty` for r = 0 and `cat` for the others.
  const per = contextData((r, i) => (r === 0 ? Math.sin(i * 0.1) : Math.cos(i * 0.7) * 2), 3);
  writeFileSync(npy('per-image.npy'), encodeNpy(per, [3, 77, 32]));
  writeFileSync(npy('narrow.npy'), encodeNpy(new Float32Array(77 * 16), [77, 16]));
});

async function run(args: string[]): Promise<{ status: number; err: string }> {
  const err: string[] = [];
  const status = await main(args, { out: () => {}, err: (t) => err.push(t) });
  return { status, err: err.join('') };
}

const extract = (kind: DiffusersTimestep, out: string, cond: string[]) => [
  'extract',
  '--model',
  model(kind),
  '--images',
  images,
  '--t',
  '50',
  '--blocks',
  '4-5',
  '--pool',
  '2',
  '--noise',
  'none',
  '--threads',
  '1',
  '--out',
  out,
  ...cond.flatMap((c) => ['--cond', c]),
];

const block = (dir: string, b: number): number[] =>
  Array.from(
    parseNpy(new Uint8Array(readFileSync(join(dir, `block_${b}.npy`)))).data as Float32Array,
  );
const differs = (a: number[], b: number[]) => a.some((v, i) => Math.abs(v - b[i]!) > 1e-4);

describe('a diffusers-style export', () => {
  it('inspect prints each input with dtype, shape and role, and proposes its blocks', async () => {
    const r = await inspect(model('scalar-int64'), { threads: 1 });
    expect(r.inputs.map((i) => [i.name, i.dtype, i.shape, i.role])).toEqual([
      ['sample', 'float32', ['batch', 1, 16, 16], 'sample'],
      ['timestep', 'int64', [], 'timestep'],
      ['encoder_hidden_states', 'float32', ['batch', 77, 32], 'context'],
    ]);
    expect(r.inputs[2]!.contextShape).toEqual([77, 32]);
    expect(r.proposal).toEqual({ source: 'module-paths', style: 'diffusers' });
    expect(r.blocks.map((b) => [b.index, b.stage, b.name, b.shape])).toEqual([
      [1, 'encoder', 'conv_in', [4, 16, 16]],
      [2, 'encoder', 'down_blocks.0.resnets.0', [4, 16, 16]],
      [3, 'encoder', 'down_blocks.0.downsamplers.0', [4, 8, 8]],
      [4, 'encoder', 'down_blocks.1.resnets.0+attentions.0', [8, 8, 8]],
      [5, 'middle', 'mid_block', [8, 8, 8]],
      [6, 'decoder', 'up_blocks.0.resnets.0', [8, 8, 8]],
      [7, 'decoder', 'up_blocks.0.upsamplers.0', [4, 16, 16]],
      [8, 'decoder', 'up_blocks.1.resnets.0', [4, 16, 16]],
    ]);
    // The context is the one input the CLI needs to be given.
    expect(r.warnings.join('\n')).toContain(
      "input 'encoder_hidden_states' (float32 [batch, 77, 32], role context): give --cond encoder_hidden_states=FILE.npy (float32 [77, 32], or [N, 77, 32])",
    );
    // What `diffprobe inspect` prints: the same inputs as JSON.
    const out: string[] = [];
    const status = await main(['inspect', model('scalar-int64'), '--no-run'], {
      out: (t) => out.push(t),
      err: () => {},
    });
    expect(status).toBe(0);
    const printed = JSON.parse(out.join('')) as { inputs: { name: string; role: string }[] };
    expect(printed.inputs.map((i) => [i.name, i.role])).toEqual([
      ['sample', 'sample'],
      ['timestep', 'timestep'],
      ['encoder_hidden_states', 'context'],
    ]);
    const f = await inspect(model('batch-float'), { threads: 1, run: false });
    expect(f.inputs[1]).toMatchObject({ name: 'timestep', shape: ['batch'], role: 'timestep' });
  }, 60_000);

  it('extract feeds a [77, 32] context to every image; two contexts give different features', async () => {
    for (const kind of ['scalar-int64', 'scalar-float', 'batch-float'] as const) {
      const a = join(tmp, `${kind}-empty`);
      const b = join(tmp, `${kind}-cat`);
      let r = await run(extract(kind, a, [`encoder_hidden_states=${npy('empty.npy')}`]));
      expect(r.status).toBe(0);
      r = await run(extract(kind, b, [`encoder_hidden_states=${npy('cat.npy')}`]));
      expect(r.status).toBe(0);
      expect(differs(block(a, 4), block(b, 4))).toBe(true);
      expect(differs(block(a, 5), block(b, 5))).toBe(true);
      const index = JSON.parse(readFileSync(join(a, 'index.json'), 'utf8')) as IndexJson;
      expect(index.conditioning).toEqual([
        {
          name: 'encoder_hidden_states',
          role: 'context',
          file: npy('empty.npy'),
          shape: [77, 32],
        },
      ]);
    }
    // Whatever form the timestep takes, the same t gives the same features.
    const ref = block(join(tmp, 'batch-float-cat'), 5);
    for (const kind of ['scalar-int64', 'scalar-float'] as const) {
      block(join(tmp, `${kind}-cat`), 5).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
    }
  }, 60_000);

  it('extract takes one context per image [N, 77, 32]', async () => {
    const out = join(tmp, 'per-image');
    const r = await run(
      extract('scalar-int64', out, [`encoder_hidden_states=${npy('per-image.npy')}`]),
    );
    expect(r.status).toBe(0);
    const per = block(out, 5);
    const ref = async (name: string) => {
      const dir = join(tmp, `ref-${name}`);
      await run(extract('scalar-int64', dir, [`encoder_hidden_states=${npy(`${name}.npy`)}`]));
      return block(dir, 5);
    };
    const empty = await ref('empty');
    const cat = await ref('cat');
    const n = per.length / 3;
    // Rows are images in index order: the first got `empty`, the other two `cat`.
    per.forEach((v, i) => expect(v).toBeCloseTo((i < n ? empty : cat)[i]!, 5));
  }, 60_000);

  it('extract without --cond refuses, naming the input; a [77, 16] context is refused', async () => {
    let r = await run(extract('scalar-int64', join(tmp, 'none'), []));
    expect(r.status).not.toBe(0);
    expect(r.err).toContain(
      "input 'encoder_hidden_states' (float32 [batch, 77, 32], role context): give --cond encoder_hidden_states=FILE.npy",
    );
    r = await run(
      extract('scalar-int64', join(tmp, 'narrow'), [`encoder_hidden_states=${npy('narrow.npy')}`]),
    );
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('narrow.npy has shape [77, 16]; the input takes [77, 32]');
  });

  it('a latent export (4 channels) runs on ready-made latents: --x0 with --cond', async () => {
    const latent = join(tmp, 'unet-latent.onnx');
    writeFileSync(latent, diffusersModel('scalar-int64', 4));
    const x0 = join(tmp, 'latents.npy');
    const data = Float32Array.from({ length: 2 * 4 * 256 }, (_, i) => Math.sin(i * 0.05));
    writeFileSync(x0, encodeNpy(data, [2, 4, 16, 16]));
    const args = (out: string, ctx: string) => [
      ...['extract', '--model', latent, '--x0', x0, '--t', '50', '--blocks', '5'],
      ...['--pool', '1', '--noise', 'none', '--threads', '1', '--out', out],
      ...['--cond', `encoder_hidden_states=${npy(ctx)}`],
    ];
    expect((await run(args(join(tmp, 'lat-a'), 'empty.npy'))).status).toBe(0);
    expect((await run(args(join(tmp, 'lat-b'), 'cat.npy'))).status).toBe(0);
    const a = block(join(tmp, 'lat-a'), 5);
    expect(a.length).toBe(2 * 8); // two latents, 8 channels pooled to 1×1
    expect(differs(a, block(join(tmp, 'lat-b'), 5))).toBe(true);
  });

  it('sweep runs it with --cond, feeding each shard its scalar timestep', async () => {
    const imgs = join(tmp, 'sweep-imgs');
    for (const [c, cls] of ['bright', 'dark'].entries()) {
      mkdirSync(join(imgs, cls), { recursive: true });
      for (let i = 0; i < 5; i++) {
        const px = Uint8Array.from({ length: 256 }, (_, k) => (c ? 20 : 160) + ((k * 7 + i) % 60));
        writeFileSync(join(imgs, cls, `${i}.png`), encodePng(px, 16, 16, 1));
      }
    }
    const out = join(tmp, 'sweep-out');
    const r = await sweep(
      parseSweepArgs([
        ...['--model', model('scalar-int64'), '--images', imgs, '--t', '5,50', '--blocks', '4-5'],
        ...['--pool', '1', '--epochs', '2', '--shard', '4', '--threads', '1', '--no-progress'],
        ...['--store', join(tmp, 'sweep-store'), '--out', out],
        ...['--cond', `encoder_hidden_states=${npy('cat.npy')}`],
      ]),
    );
    expect(r.jobs).toMatchObject({ computed: r.jobs.total, stored: 0 });
    expect(r.jobs.total).toBeGreaterThan(0);
    const result = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as {
      cells: unknown[];
    };
    expect(result.cells).toHaveLength(4); // 2 blocks × 2 t
  }, 60_000);
});
