import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSweepResult } from '../../src/core/sweep/result';
import { writeSweepImages } from '../../test/sweepData';
import { parseSweepArgs, sweep } from './sweep';

const MODEL = new URL('../../public/models/fmnist-adm-s/', import.meta.url).pathname;
const BIN = new URL('../../bin/diffprobe.mjs', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-sweep-'));
const images = join(tmp, 'images');
let broken = '';
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  broken = (await writeSweepImages(images)).broken;
});

const args = (out: string, more: string[] = []): string[] => [
  '--model',
  MODEL,
  '--images',
  images,
  '--t',
  '90,10',
  '--blocks',
  '12,4',
  '--epochs',
  '3',
  '--threads',
  '1',
  '--out',
  out,
  '--no-progress',
  ...more,
];

const readResult = (out: string) =>
  parseSweepResult(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')));

describe('diffprobe sweep (one process)', () => {
  it('writes sweep.json, sweep.csv and heatmap.png from PNG, JPEG and WebP, listing a corrupt file', async () => {
    const out = join(tmp, 'first');
    const summary = await sweep(parseSweepArgs(args(out, ['--shard', '4'])));
    expect(summary.jobs).toEqual({ total: 8, computed: 8, stored: 0 });
    const r = readResult(out);
    const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as {
      sha256: string;
    };
    expect(r.model.sha256).toBe(manifest.sha256);
    expect(r.split).toEqual({ kind: 'seeded', testFraction: 0.2 });
    expect(r.seeds).toEqual({ noise: 0, split: 0, train: 0 });
    expect(r.dataset.classes).toEqual(['bright', 'dark']);
    // 14 images decode (5 PNG + 1 JPEG + 1 WebP per class); the corrupt JPEG is listed.
    expect(r.dataset.images.train + r.dataset.images.test).toBe(14);
    expect(r.skipped).toEqual([
      { path: broken, reason: expect.stringMatching(/not a readable JPG/) },
    ]);
    expect(r.cells.map((c) => [c.block, c.t, c.pool])).toEqual([
      [4, 10, 2],
      [12, 10, 2],
      [4, 90, 2],
      [12, 90, 2],
    ]);
    for (const c of r.cells) expect(c.testAccuracy).toBeGreaterThanOrEqual(0);
    const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('block,t,pool,test_accuracy');
    expect(csv[1]).toBe(`4,10,2,${r.cells[0]!.testAccuracy}`);
    const png = await sharp(join(out, 'heatmap.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThan(100);
  });

  it('resumes after a crash from the stored shards and gives the same cells', async () => {
    const clean = join(tmp, 'clean');
    await sweep(parseSweepArgs(args(clean, ['--shard', '1'])));
    const out = join(tmp, 'crashed');
    const store = join(out, 'shards');
    const child = spawn(process.execPath, [BIN, 'sweep', ...args(out, ['--shard', '1'])], {
      stdio: 'ignore',
    });
    // SIGKILL it as soon as its first shard file is in the store.
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        const shards = existsSync(store)
          ? readdirSync(store).filter((f) => f.endsWith('.bin'))
          : [];
        if (shards.length > 0) {
          clearInterval(timer);
          child.kill('SIGKILL');
          done();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        fail(new Error('the sweep ended before it could be killed'));
      });
    });
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(out, 'sweep.json'))).toBe(false);
    const summary = await sweep(parseSweepArgs(args(out, ['--shard', '1'])));
    expect(summary.jobs.stored).toBeGreaterThan(0);
    expect(summary.jobs.computed).toBeGreaterThan(0);
    // 15 images (the corrupt one too) in shards of 1, at 2 timesteps.
    expect(summary.jobs.stored + summary.jobs.computed).toBe(30);
    expect(readResult(out).cells).toEqual(readResult(clean).cells);
    // Temporary files of the killed run never count as shards.
    for (const f of readdirSync(store))
      expect(f).toMatch(/^(shard-.*\.bin|plan-.*\.json|.*\.tmp-.*)$/);
  }, 120_000);
});
