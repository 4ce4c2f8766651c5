import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInputs } from '../../src/core/features/batch';
import { decodePng, encodePng } from '../../src/core/image/png';
import { prepareImage } from '../../src/core/image/prepare';
import { encodeNpy, parseNpy } from '../../src/core/npy';
import { makeSchedule, PAPER_SCHEDULE } from '../../src/core/schedule';
import { main } from '../main';
import { extract, parseExtractArgs, type IndexJson } from './extract';
import { inspect } from './inspect';
import { ShardRunner } from '../shared/shardRunner';
import { planSweep } from './sweep';
import { parseSweepArgs } from './sweepArgs';

/** The latent pair (tools/ latent_pair.py): encoder 3×32×32 → 4×16×16 (scale 0.5), a U-Net on it. */
const PAIR = new URL('../../test/fixtures/latent-pair/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-latent-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) / 2 ** 24 - 0.5) * 2 * scale;
  }
  return out;
}

const images = join(tmp, 'imgs');
const FILES = ['a/0.png', 'a/1.png', 'b/2.png'];
const N = 5;
const x0File = join(tmp, 'x0.npy');
const labelsFile = join(tmp, 'labels.npy');
const X0 = values(N * 4 * 16 * 16, 7, 1.5);

beforeAll(() => {
  FILES.forEach((f, k) => {
    mkdirSync(join(images, f, '..'), { recursive: true });
    const px = Uint8Array.from(values(32 * 32 * 3, k + 1), (v) => Math.round((v + 1) * 127.5));
    writeFileSync(join(images, f), encodePng(px, 32, 32, 3));
  });
  writeFileSync(x0File, encodeNpy(X0, [N, 4, 16, 16]));
  writeFileSync(labelsFile, encodeNpy(new Int32Array([0, 2, -1, 1, 2]), [N]));
});

const sched = makeSchedule(PAPER_SCHEDULE);
const unet = (): Promise<ort.InferenceSession> =>
  ort.InferenceSession.create(join(PAIR, 'model.onnx'));

/** The U-Net's blocks for x0 rows, with the app's seeded noise keyed on `ids`: independently. */
async function reference(x0: Float32Array, ids: string[], t: number, outputs: string[]) {
  const rows = ids.map((id, i) => ({ id, x0: x0.subarray(i * 1024, (i + 1) * 1024) }));
  const inp = buildInputs(rows, [4, 16, 16], sched, { t, seed: 3, noise: 'seeded' });
  const s = await unet();
  const r = await s.run({
    x: new ort.Tensor('float32', inp.x, inp.dims),
    t: new ort.Tensor('float32', inp.t, [ids.length]),
  });
  await s.release();
  return outputs.map((o) => r[o]!.data as Float32Array);
}

const readBlock = (dir: string, b: number) =>
  parseNpy(new Uint8Array(readFileSync(join(dir, `block_${b}.npy`))));

function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThan(1e-5);
}

const args = (extra: string[]) =>
  parseExtractArgs([
    ...['--model', PAIR, '--t', '120', '--blocks', '1,7,13', '--pool', '0', '--seed', '3'],
    ...extra,
  ]);

describe('extract --x0: ready-made tensors', () => {
  it('feeds the rows as x0, noised with the seeded noise of x0/<row>, with the labels', async () => {
    const out = join(tmp, 'x0-out');
    const s = await extract(
      args(['--x0', x0File, '--labels', labelsFile, '--batch', '2', '--out', out]),
    );
    expect(s.images).toBe(N);
    const ids = Array.from({ length: N }, (_, i) => `x0/${i}`);
    const want = await reference(X0, ids, 120, ['block_1', 'block_7', 'block_13']);
    [1, 7, 13].forEach((b, k) => expectClose(readBlock(out, b).data as Float32Array, want[k]!));
    expect(readBlock(out, 7).shape).toEqual([N, 8, 4, 4]);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as IndexJson;
    expect(index).toMatchObject({ x0: x0File, images: null, encoder: null, files: ids });
    expect(index.labels).toEqual([0, 2, null, 1, 2]);
    expect(index.classes).toEqual(['0', '1', '2']);
    expect(index.image).toMatchObject({ size: 16, channels: 4 });
  });

  it('works on the bare 4-channel .onnx, which images cannot feed', async () => {
    const bare = join(PAIR, 'model.onnx');
    const out = join(tmp, 'bare-out');
    const opts = parseExtractArgs([
      ...['--model', bare, '--x0', x0File, '--t', '10', '--blocks', '1', '--out', out],
    ]);
    await expect(extract(opts)).resolves.toMatchObject({ images: N });
    const withImages = { ...opts, x0: undefined, images };
    delete withImages.x0;
    await expect(extract(withImages)).rejects.toThrow(
      /4 channels; images give 1 or 3 \(give tensors with --x0\)/,
    );
  });

  it('refuses tensors that do not fit, with one line that says what to give', async () => {
    const bad = (name: string, data: Uint8Array): string => {
      const f = join(tmp, name);
      writeFileSync(f, data);
      return f;
    };
    const cases: [string[], RegExp][] = [
      [
        ['--x0', bad('s.npy', encodeNpy(new Float32Array(3 * 3 * 16 * 16), [3, 3, 16, 16]))],
        /has shape \[3, 3, 16, 16\]; the model takes \[N, 4, 16, 16\]/,
      ],
      [
        ['--x0', bad('d.npy', encodeNpy(new Float64Array(4 * 256), [1, 4, 16, 16]))],
        /holds float64; give float32 \[N, 4, 16, 16\]/,
      ],
      [
        [
          '--x0',
          bad(
            'n.npy',
            encodeNpy(
              Float32Array.from({ length: 1024 }, (_, i) => (i === 5 ? NaN : 0)),
              [1, 4, 16, 16],
            ),
          ),
        ],
        /value 5 is NaN/,
      ],
      [
        ['--x0', x0File, '--labels', bad('l.npy', encodeNpy(new Int32Array(3), [3]))],
        /--labels .* has shape \[3\]; --x0 has 5 rows, give \[5\]/,
      ],
      [
        ['--x0', x0File, '--labels', bad('f.npy', encodeNpy(new Float32Array(5), [5]))],
        /holds float32; give integers \[5\]/,
      ],
      [['--x0', join(tmp, 'missing.npy')], /missing\.npy: no such file/],
      [
        ['--x0', bad('junk.npy', new TextEncoder().encode('junk'))],
        /: --x0 .*junk\.npy: npy: not a \.npy file/,
      ],
    ];
    for (const [extra, message] of cases) {
      const cap = { out: '', err: '' };
      const io = {
        out: (s: string) => void (cap.out += s),
        err: (s: string) => void (cap.err += s),
      };
      const argv = [
        'extract',
        '--model',
        PAIR,
        '--t',
        '10',
        '--blocks',
        '1',
        '--out',
        join(tmp, 'o'),
        ...extra,
      ];
      expect(await main(argv, io), extra.join(' ')).toBe(1);
      expect(cap.err.trim().split('\n')).toHaveLength(1);
      expect(cap.err, extra.join(' ')).toMatch(message);
    }
    expect(() => args(['--x0', x0File, '--images', images, '--out', 'o'])).toThrow(
      'give --images or --x0, not both',
    );
    expect(() => args(['--x0', x0File, '--split', 'train', '--out', 'o'])).toThrow(
      '--split applies to images, not --x0',
    );
    expect(() => args(['--images', images, '--labels', labelsFile, '--out', 'o'])).toThrow(
      '--labels goes with --x0',
    );
    expect(() =>
      parseExtractArgs(['--model', PAIR, '--t', '1', '--blocks', '1', '--out', 'o']),
    ).toThrow('give --images <folder | zip> (or --x0 FILE.npy)');
  });
});

describe('extract through a manifest encoder (latent diffusion)', () => {
  /** The images as prepareImage gives them, through the encoder with onnxruntime, × scale. */
  async function encodedImages(): Promise<Float32Array> {
    const x = new Float32Array(FILES.length * 3 * 32 * 32);
    FILES.forEach((f, i) => {
      const img = decodePng(new Uint8Array(readFileSync(join(images, f))));
      x.set(prepareImage(img, { size: 32, channels: 3, mode: 'crop' }), i * 3 * 32 * 32);
    });
    const s = await ort.InferenceSession.create(join(PAIR, 'encoder.onnx'));
    const r = await s.run({ image: new ort.Tensor('float32', x, [FILES.length, 3, 32, 32]) });
    await s.release();
    return Float32Array.from(r.latent!.data as Float32Array, (v) => v * 0.5);
  }

  it('equals encoder-then-U-Net computed independently, and --x0 of the same latents', async () => {
    const out = join(tmp, 'enc-out');
    const s = await extract(args(['--images', images, '--batch', '2', '--out', out]));
    expect(s.images).toBe(3);
    const latents = await encodedImages();
    const want = await reference(latents, FILES, 120, ['block_1', 'block_7', 'block_13']);
    [1, 7, 13].forEach((b, k) => expectClose(readBlock(out, b).data as Float32Array, want[k]!));
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as IndexJson;
    expect(index.encoder).toMatchObject({ scale: 0.5, latent: [4, 16, 16] });
    expect(index.image).toMatchObject({ size: 32, channels: 3 });

    // Without noise, the encoder path and --x0 of the independently encoded latents agree.
    const a = join(tmp, 'enc-none');
    const b = join(tmp, 'x0-none');
    writeFileSync(join(tmp, 'lat.npy'), encodeNpy(latents, [3, 4, 16, 16]));
    await extract(args(['--images', images, '--noise', 'none', '--out', a]));
    await extract(args(['--x0', join(tmp, 'lat.npy'), '--noise', 'none', '--out', b]));
    for (const blk of [1, 7, 13]) {
      expectClose(readBlock(a, blk).data as Float32Array, readBlock(b, blk).data as Float32Array);
    }
  });

  it("sweep runs the encoder too: a shard's features equal extract's through it", async () => {
    const opts = parseSweepArgs([
      ...['--model', PAIR, '--images', images, '--t', '120', '--blocks', '1,7,13'],
      ...['--pool', '2', '--seed', '3', '--out', join(tmp, 's')],
    ]);
    const plan = await planSweep(opts);
    expect(plan.model.encoderSha256).toMatch(/^[0-9a-f]{64}$/);
    const runner = new ShardRunner(plan, join(tmp, 's-store'), { threads: 1, device: 'cpu' });
    const shard = await runner.compute({ shard: 0, t: 120 });
    await runner.close();
    const out = join(tmp, 'enc-pooled');
    await extract(args(['--images', images, '--pool', '2', '--out', out]));
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as IndexJson;
    expect(shard.rows.length).toBeGreaterThan(0);
    for (const { index: b, shape, data } of shard.blocks) {
      const per = shape.reduce((a, d) => a * d, 1);
      const all = readBlock(out, b).data as Float32Array;
      shard.rows.forEach((row, i) => {
        const k = index.files.indexOf(row);
        expect(k).toBeGreaterThanOrEqual(0);
        expectClose(data.subarray(i * per, (i + 1) * per), all.subarray(k * per, (k + 1) * per));
      });
    }
  });

  it('inspect names the encoder and measures the blocks on latents', async () => {
    const r = await inspect(PAIR, { threads: 1 });
    expect(r.encoder).toEqual({
      file: 'encoder.onnx',
      scale: 0.5,
      latent: { channels: 4, size: 16 },
    });
    expect(r.inputs[0]).toMatchObject({ name: 'x', shape: ['batch', 4, 16, 16], role: 'sample' });
    expect(r.blocks.map((b) => b.shape)[6]).toEqual([8, 4, 4]);
  });

  it('checks the encoder file: missing is an error, a changed one a warning', async () => {
    const dir = join(tmp, 'pair-copy');
    mkdirSync(dir, { recursive: true });
    for (const f of ['manifest.json', 'model.onnx']) copyFileSync(join(PAIR, f), join(dir, f));
    const opts = { ...args(['--images', images, '--out', join(tmp, 'c')]), model: dir };
    await expect(extract(opts)).rejects.toThrow(
      /encoder\.onnx: the manifest names this encoder, but the file is missing/,
    );
    copyFileSync(join(PAIR, 'encoder.onnx'), join(dir, 'encoder.onnx'));
    const m = JSON.parse(readFileSync(join(PAIR, 'manifest.json'), 'utf8')) as {
      encoder: { sha256: string };
    };
    m.encoder.sha256 = '0'.repeat(64);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    let err = '';
    await extract(opts, { err: (s) => void (err += s) });
    expect(err).toContain('warning: sha256 of encoder.onnx does not match the manifest');
  });
});
