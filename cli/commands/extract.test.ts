import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInputs } from '../../src/core/features/batch';
import { decodePng, encodePng } from '../../src/core/image/png';
import { prepareImage } from '../../src/core/image/prepare';
import { parseNpy } from '../../src/core/npy';
import { withOutputs } from '../../src/core/onnx/edit';
import { adaptiveAvgPool2d } from '../../src/core/pool';
import { makeSchedule, PAPER_SCHEDULE } from '../../src/core/schedule';
import { extract, parseBlocks, parseExtractArgs, type IndexJson } from './extract';
import {
  comparePaths,
  openImages,
  selectSplit,
  SKIP_NOT_IMAGE,
  SKIP_NOT_HEADLESS,
} from '../shared/images';
import { main } from '../main';

const MODEL = new URL('../../public/models/fmnist-adm-s/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as {
  blocks: { index: number; channels: number; height: number; width: number }[];
};
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-extract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pixels(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** The test source: two classes, a root-level image, non-images, a corrupt PNG. */
const FILES: Record<string, Uint8Array> = {
  'cat/0.png': encodePng(pixels(784, 1), 28, 28, 1),
  'cat/1.png': encodePng(pixels(784, 2), 28, 28, 1),
  'cat/10.png': encodePng(pixels(784, 3), 28, 28, 1),
  'dog/a.png': encodePng(pixels(40 * 30 * 3, 4), 40, 30, 3), // RGB, larger: crop to 32×32
  'dog/b.png': encodePng(pixels(20 * 20, 5), 20, 20, 1),
  'dog/broken.png': new TextEncoder().encode('not really a png'),
  'root.png': encodePng(pixels(784, 6), 28, 28, 1),
  'notes.txt': new TextEncoder().encode('hello'),
  'dog/photo.TIF': Uint8Array.from([0x49, 0x49, 0x2a, 0x00]),
  '.DS_Store': new Uint8Array(8),
};
const GOOD = ['cat/0.png', 'cat/1.png', 'cat/10.png', 'dog/a.png', 'dog/b.png', 'root.png'];

const folder = join(tmp, 'imgs');
const zipPath = join(tmp, 'imgs.zip');
const splitFolder = join(tmp, 'split');

beforeAll(() => {
  for (const [name, data] of Object.entries(FILES)) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), data);
  }
  // The zip wraps everything in one folder (as zipping a folder does), PNGs stored and deflated.
  const entries = Object.fromEntries(
    Object.entries(FILES).map(([n, d], i) => [`imgs/${n}`, [d, { level: i % 2 ? 0 : 6 }]]),
  ) as Parameters<typeof zipSync>[0];
  entries['__MACOSX/imgs/._root.png'] = new Uint8Array(4);
  writeFileSync(zipPath, zipSync(entries));
  for (const name of [
    'train/a/x.png',
    'train/b/y.png',
    'test/a/z.png',
    'test/c/w.png',
    'README.txt',
  ]) {
    mkdirSync(dirname(join(splitFolder, name)), { recursive: true });
    writeFileSync(join(splitFolder, name), encodePng(pixels(784, name.length), 28, 28, 1));
  }
});

function captureIo(): {
  out: string[];
  err: string[];
  io: { out: (t: string) => void; err: (t: string) => void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => out.push(t), err: (t) => err.push(t) } };
}

function base(images: string, out: string, extra: string[] = []): string[] {
  return [
    'extract',
    '--model',
    MODEL,
    '--images',
    images,
    '--t',
    '90',
    '--blocks',
    '12,14',
    '--pool',
    '2',
    '--seed',
    '0',
    '--threads',
    '1',
    '--out',
    out,
    ...extra,
  ];
}

const readIndex = (dir: string): IndexJson =>
  JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as IndexJson;
const readBlock = (dir: string, b: number) =>
  parseNpy(new Uint8Array(readFileSync(join(dir, `block_${b}.npy`))));

describe('image sources', () => {
  it('sorts paths naturally', () => {
    const paths = ['b/10.png', 'b/2.png', 'a/x.png', 'b/02.png', 'B/1.png'];
    expect([...paths].sort(comparePaths)).toEqual([
      'B/1.png',
      'a/x.png',
      'b/02.png',
      'b/2.png',
      'b/10.png',
    ]);
  });

  it('lists a folder: classes from subfolders, root files unlabelled, the rest skipped', async () => {
    const src = await openImages(folder);
    expect(src.layout).toBe('classes');
    expect(src.items.map((i) => i.path)).toEqual([
      'cat/0.png',
      'cat/1.png',
      'cat/10.png',
      'dog/a.png',
      'dog/b.png',
      'dog/broken.png',
      'root.png',
    ]);
    expect(src.items.map((i) => i.label)).toEqual([0, 0, 0, 1, 1, 1, null]);
    expect(src.items.every((i) => i.split === null)).toBe(true);
    expect(src.classes).toEqual(['cat', 'dog']);
    expect(src.skipped).toEqual([
      { path: 'dog/photo.TIF', reason: SKIP_NOT_HEADLESS },
      { path: 'notes.txt', reason: SKIP_NOT_IMAGE },
    ]);
    expect(await src.load(src.items[3]!)).toMatchObject({ width: 40, height: 30, channels: 3 });
    await expect(src.load(src.items[5]!)).rejects.toThrow(/not a PNG/);
    src.close();
  });

  it('lists a zip the same way, stepping into its wrapper folder', async () => {
    const a = await openImages(folder);
    const z = await openImages(zipPath);
    expect(z.kind).toBe('zip');
    expect(z.prefix).toBe('imgs/');
    expect(z.items).toEqual(a.items);
    expect(z.classes).toEqual(a.classes);
    expect(z.skipped).toEqual(a.skipped);
    for (const item of z.items) expect(await z.read(item)).toEqual(await a.read(item));
    z.close();
  });

  it('reads zips with the app’s reader: a broken file is refused, a bomb entry is skipped', async () => {
    const broken = join(tmp, 'broken.zip');
    writeFileSync(broken, readFileSync(zipPath).subarray(0, 100));
    await expect(openImages(broken)).rejects.toThrow(/not a readable zip file/);
    // 8 MiB of zeros deflate ~1000×: the declared size alone marks the entry as a bomb.
    const bomb = join(tmp, 'bomb.zip');
    writeFileSync(
      bomb,
      zipSync({
        'a/zeros.png': new Uint8Array(8 * 1024 * 1024),
        'b/ok.png': readFileSync(join(folder, 'cat/0.png')),
      }),
    );
    const src = await openImages(bomb);
    expect(src.items.map((i) => i.path)).toEqual(['b/ok.png']);
    expect(src.skipped).toEqual([
      { path: 'a/zeros.png', reason: expect.stringMatching(/zip bomb/) },
    ]);
    src.close();
  });

  it('reads a train/ + test/ layout with splits; classes span both splits', async () => {
    const src = await openImages(splitFolder);
    expect(src.layout).toBe('split');
    expect(src.classes).toEqual(['a', 'b', 'c']);
    expect(src.items).toEqual([
      { path: 'test/a/z.png', label: 0, split: 'test' },
      { path: 'test/c/w.png', label: 2, split: 'test' },
      { path: 'train/a/x.png', label: 0, split: 'train' },
      { path: 'train/b/y.png', label: 1, split: 'train' },
    ]);
    expect(selectSplit(src, 'train').map((i) => i.path)).toEqual([
      'train/a/x.png',
      'train/b/y.png',
    ]);
    const src0 = await openImages(folder);
    expect(() => selectSplit(src0, 'test')).toThrow(/has no train\/ and test\/ folders/);
  });

  it('reads the demo zip: 1,000 test images in 10 classes', async () => {
    const src = await openImages(
      new URL('../../public/datasets/fashion-mnist-demo.zip', import.meta.url).pathname,
    );
    expect(src.layout).toBe('split');
    expect(src.classes.length).toBe(10);
    expect(selectSplit(src, 'test').length).toBe(1000);
    expect(selectSplit(src, 'train').length).toBe(2000);
    expect(src.skipped.map((s) => s.path)).toEqual(['LICENSE.txt', 'README.txt']);
    expect(await src.load(src.items[0]!)).toMatchObject({ width: 28, height: 28, channels: 1 });
    src.close();
  });
});

describe('arguments', () => {
  it('reads block lists and defaults', () => {
    expect(parseBlocks('12,14')).toEqual([12, 14]);
    expect(parseBlocks('3,5-7,5')).toEqual([3, 5, 6, 7]);
    expect(parseBlocks('all')).toBe('all');
    expect(() => parseBlocks('x')).toThrow(/cannot read "x"/);
    const o = parseExtractArgs([
      '--model',
      'm',
      '--images',
      'i',
      '--out',
      'o',
      '--t',
      '90',
      '--blocks',
      '1',
    ]);
    expect(o).toMatchObject({ pool: 2, seed: 0, noise: 'seeded', batch: 32, fit: 'crop' });
    expect(() => parseExtractArgs(['--model', 'm'])).toThrow(/give --images/);
    expect(() => parseExtractArgs(['--pool', '-1'])).toThrow(
      /--pool needs an integer from 0 to 1024/,
    );
  });
});

describe('extract', () => {
  const sched = makeSchedule(PAPER_SCHEDULE);

  /** Block outputs straight from onnxruntime-node on the full model, pooled p×p. */
  async function direct(noise: 'seeded' | 'none', blocks: number[], pool: number) {
    const session = await ort.InferenceSession.create(join(MODEL, 'model.onnx'), {
      intraOpNumThreads: 1,
    });
    try {
      const items = GOOD.map((path) => ({
        id: path,
        x0: prepareImage(decodePng(FILES[path]!), { size: 32, channels: 1 }),
      }));
      const inputs = buildInputs(items, [1, 32, 32], sched, { t: 90, seed: 0, noise });
      const res = await session.run({
        x: new ort.Tensor('float32', inputs.x, inputs.dims),
        t: new ort.Tensor('float32', inputs.t, [items.length]),
      });
      return blocks.map((b) => {
        const t = res[`block_${b}`]!;
        const dims = t.dims as [number, number, number, number];
        return pool > 0
          ? adaptiveAvgPool2d(t.data as Float32Array, dims, pool)
          : (t.data as Float32Array);
      });
    } finally {
      await session.release();
    }
  }

  function maxAbsDiff(a: Float32Array, b: Float32Array): number {
    expect(a.length).toBe(b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    return m;
  }

  const outA = join(tmp, 'out-a');
  const outB = join(tmp, 'out-b');
  const outZip = join(tmp, 'out-zip');

  it('writes block_<n>.npy and index.json, equal to the model run directly', async () => {
    const cap = captureIo();
    expect(await main(base(folder, outA, ['--batch', '4']), cap.io)).toBe(0);
    const summary = JSON.parse(cap.out.join('')) as { images: number; skipped: number };
    expect(summary).toMatchObject({ images: 6, skipped: 3 });
    expect(cap.err.join('')).toMatch(/^extract: 7 images in 2 classes; skipped 2 other files\n/);
    expect(cap.err.join('')).toMatch(/extract: 7\/7 images, [\d.]+ images\/s, 1 not decoded\n$/);

    const index = readIndex(outA);
    expect(index).toMatchObject({
      manifest: 'fmnist-adm-s',
      t: 90,
      pool: 2,
      seed: 0,
      noise: 'seeded',
      split: null,
      files: GOOD,
      labels: [0, 0, 0, 1, 1, null],
      classes: ['cat', 'dog'],
    });
    expect(index.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(index.skipped.map((s) => s.path)).toEqual([
      'dog/photo.TIF',
      'notes.txt',
      'dog/broken.png',
    ]);
    expect(index.skipped[2]!.reason).toMatch(/not a PNG file/);
    const want = await direct('seeded', [12, 14], 2);
    for (const [k, b] of [12, 14].entries()) {
      const C = manifest.blocks[b - 1]!.channels;
      expect(index.blocks[k]).toEqual({
        index: b,
        output: `block_${b}`,
        file: `block_${b}.npy`,
        shape: [6, C, 2, 2],
      });
      const npy = readBlock(outA, b);
      expect(npy.dtype).toBe('float32');
      expect(npy.shape).toEqual([6, C, 2, 2]);
      expect(maxAbsDiff(npy.data as Float32Array, want[k]!)).toBeLessThan(1e-5);
    }
  }, 30_000);

  it('gives identical bytes when run twice, and the zip the same features as the folder', async () => {
    await extract(parseExtractArgs(base(folder, outB, ['--batch', '4']).slice(1)));
    await extract(parseExtractArgs(base(zipPath, outZip, ['--batch', '4']).slice(1)));
    for (const f of ['block_12.npy', 'block_14.npy', 'index.json']) {
      expect(readFileSync(join(outB, f)).equals(readFileSync(join(outA, f))), f).toBe(true);
    }
    for (const f of ['block_12.npy', 'block_14.npy']) {
      expect(readFileSync(join(outZip, f)).equals(readFileSync(join(outA, f))), f).toBe(true);
    }
    const [a, z] = [readIndex(outA), readIndex(outZip)];
    expect({ ...z, images: '' }).toEqual({ ...a, images: '' });
  }, 30_000);

  it("--noise none feeds x0: different features, equal to the model's on x0", async () => {
    const out = join(tmp, 'out-none');
    await extract(parseExtractArgs(base(folder, out, ['--noise', 'none']).slice(1)));
    expect(readIndex(out).noise).toBe('none');
    const none = readBlock(out, 12).data as Float32Array;
    const seeded = readBlock(outA, 12).data as Float32Array;
    expect(maxAbsDiff(none, seeded)).toBeGreaterThan(1e-2);
    const [want] = await direct('none', [12], 2);
    expect(maxAbsDiff(none, want!)).toBeLessThan(1e-5);
  }, 30_000);

  it('--pool 0 keeps the full maps [N, C, H, W]; --split picks one split', async () => {
    const out = join(tmp, 'out-full');
    const s = await extract(
      parseExtractArgs(
        base(splitFolder, out, ['--pool', '0', '--blocks', '4', '--split', 'test']).slice(1),
      ),
    );
    const b4 = manifest.blocks[3]!;
    expect(s.blocks[0]!.shape).toEqual([2, b4.channels, b4.height, b4.width]);
    expect(readBlock(out, 4).shape).toEqual([2, b4.channels, b4.height, b4.width]);
    const index = readIndex(out);
    expect(index).toMatchObject({
      split: 'test',
      pool: 0,
      files: ['test/a/z.png', 'test/c/w.png'],
      labels: [0, 2],
      classes: ['a', 'b', 'c'],
      skipped: [],
    });
  }, 30_000);

  it('numbers the blocks of a model without a manifest as inspect does', async () => {
    const bare = join(tmp, 'bare.onnx');
    writeFileSync(
      bare,
      withOutputs(new Uint8Array(readFileSync(join(MODEL, 'model.onnx'))), ['eps']),
    );
    const out = join(tmp, 'out-bare');
    const args = base(folder, out, ['--batch', '4']).slice(1);
    args[args.indexOf(MODEL)] = bare;
    await extract(parseExtractArgs(args));
    const index = readIndex(out);
    expect(index.manifest).toBeNull();
    expect(index.schedule).toEqual({ kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    expect(index.blocks.map((b) => b.shape)).toEqual(readIndex(outA).blocks.map((b) => b.shape));
    for (const b of [12, 14]) {
      const mine = readBlock(out, b).data as Float32Array;
      expect(maxAbsDiff(mine, readBlock(outA, b).data as Float32Array)).toBeLessThan(1e-5);
    }
  }, 30_000);

  it('fails with one clear line', async () => {
    const cases: [string[], RegExp][] = [
      [
        base(folder, join(tmp, 'e1'), ['--blocks', '12,25']),
        /^diffprobe: block 25 does not exist \(this model has blocks 1–19\)\n$/,
      ],
      [
        base(folder, join(tmp, 'e2'), ['--t', '1000']),
        /t must be an integer timestep in 0\.\.999, got 1000/,
      ],
      [
        base(folder, join(tmp, 'e3'), ['--split', 'test']),
        /--split test: .* has no train\/ and test\/ folders/,
      ],
      [base(join(tmp, 'nope'), join(tmp, 'e4')), /nope: no such file or folder/],
      [base(join(tmp, 'empty'), join(tmp, 'e5')), /no PNG, JPEG or WebP images found/],
      [
        base(folder, join(tmp, 'e6'), ['--noise', 'gaussian']),
        /--noise must be "seeded" or "none"/,
      ],
    ];
    mkdirSync(join(tmp, 'empty'));
    for (const [args, re] of cases) {
      const cap = captureIo();
      expect(await main(args, cap.io), args.join(' ')).toBe(1);
      expect(cap.err.join(''), args.join(' ')).toMatch(re);
      expect(cap.err.join('').trim().split('\n').length).toBe(1);
      expect(cap.out).toEqual([]);
    }
  }, 30_000);
});
