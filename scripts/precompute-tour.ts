/**
 * Writes public/models/fmnist-adm-s/tour.json: the results the classroom tour shows at once —
 * the block × t sweep of linear probes, the two heads of the accuracy gap and the block × block
 * CKA matrix of the demo set — computed from the real engine code (scripts/tourCompute.ts).
 * Settings: TOUR_SETTINGS (src/core/tour/data.ts), the app's panel defaults.
 *
 *   npx tsx scripts/precompute-tour.ts [--threads 2]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOUR_FILE, TOUR_SETTINGS, validateTourData, type TourData } from '../src/core/tour/data';
import { ckaOfBlocks, extractDemo, MODEL_DIR, probeAccuracy, type Extracted } from './tourCompute';

const arg = process.argv.indexOf('--threads');
const threads = arg > 0 ? Number(process.argv[arg + 1]) : 2;

const manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8')) as {
  blocks: { index: number }[];
};
const blocks = manifest.blocks.map((b) => b.index);
const sha = createHash('sha256')
  .update(readFileSync(join(MODEL_DIR, 'model.onnx')))
  .digest('hex');
const S = TOUR_SETTINGS;
const log = (msg: string) => process.stderr.write(`precompute-tour: ${msg}\n`);

const seconds = { features: 0, sweep: 0, heads: 0, cka: 0 };
const acc: number[][] = blocks.map(() => S.sweep.ts.map(() => NaN));
const heads: TourData['heads'] = [];
let cka: TourData['cka'] | null = null;
let images = { train: 0, test: 0 };

const timed = async <T>(key: keyof typeof seconds, fn: () => Promise<T> | T): Promise<T> => {
  const t0 = performance.now();
  const r = await fn();
  seconds[key] += (performance.now() - t0) / 1000;
  return r;
};

for (const [ti, t] of S.sweep.ts.entries()) {
  // The heads and the sweep share the pool and the seed, so one extraction per t feeds both.
  const ex: Extracted = await extractDemo(t, blocks, S.sweep.pool, S.seed, threads);
  seconds.features += ex.seconds;
  images = { train: ex.train.paths.length, test: ex.test.paths.length };
  log(`t=${t}: features of ${images.train + images.test} images in ${ex.seconds.toFixed(1)} s`);
  for (const [bi, b] of blocks.entries()) {
    acc[bi]![ti] = await timed('sweep', () => probeAccuracy(ex, b, S.sweep.pool, S.sweep.epochs));
  }
  log(`t=${t}: probes ${acc.map((r) => (r[ti]! * 100).toFixed(1)).join(' ')}`);
  if (t === S.heads.t) {
    for (const b of S.heads.blocks) {
      const testAcc = await timed('heads', () =>
        probeAccuracy(ex, b, S.heads.pool, S.heads.epochs),
      );
      heads.push({ block: b, t, pool: S.heads.pool, epochs: S.heads.epochs, testAcc });
      log(`head at block ${b}, t=${t}: ${(testAcc * 100).toFixed(2)}%`);
    }
  }
  if (t === S.cka.t && S.cka.pool === S.sweep.pool) {
    const values = await timed('cka', () => ckaOfBlocks(ex, blocks, S.cka.n));
    cka = { t, pool: S.cka.pool, n: S.cka.n, blocks, values };
    log(`CKA ${blocks.length}×${blocks.length} on ${S.cka.n} images`);
  }
}
if (!cka || heads.length !== S.heads.blocks.length)
  throw new Error('TOUR_SETTINGS: the heads and CKA must use timesteps and the pool of the sweep');

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const data: TourData = {
  schemaVersion: 1,
  model: S.model,
  modelSha256: sha,
  dataset: S.dataset,
  images,
  generator: 'scripts/precompute-tour.ts',
  sweep: {
    ts: [...S.sweep.ts],
    blocks,
    pool: S.sweep.pool,
    epochs: S.sweep.epochs,
    acc: acc.map((r) => r.map((v) => round(v, 4))),
  },
  heads: heads.map((h) => ({ ...h, testAcc: round(h.testAcc, 4) })),
  cka: { ...cka, values: cka.values.map((r) => r.map((v) => round(v, 5))) },
  seconds: {
    features: round(seconds.features, 1),
    sweep: round(seconds.sweep, 1),
    heads: round(seconds.heads, 1),
    cka: round(seconds.cka, 1),
  },
};
const v = validateTourData(data);
if (!v.ok) throw new Error(`the computed tour data is invalid: ${v.errors.join('; ')}`);
const out = join(MODEL_DIR, TOUR_FILE);
writeFileSync(out, JSON.stringify(data) + '\n');
log(`wrote ${out}`);
