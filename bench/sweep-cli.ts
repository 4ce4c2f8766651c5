/**
 * `diffprobe sweep` against the browser's sweep on the same data: the demo set, at most L
 * images per class in each split (the browser's "Images per class" picks the first L of each
 * class in path order; the CLI gets a folder of those same files), every block, the same
 * timesteps, pool 2, 10 epochs. Then the same sweep queued on a loopback redis-server with one
 * and with two `diffprobe worker`s, as a ratio. On a 2-core machine the workers share the same
 * two cores (one worker with 2 onnxruntime threads against two with 1 each), so the ratio
 * measures the queue's overhead and the work's parallelism, not added hardware.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { parseSweepArgs, sweep } from '../cli/commands/sweep';
import { comparePaths } from '../src/core/datasets/layout';
import {
  findRedisServer,
  startRedis,
  startWorkerProcess,
  stopProcess,
} from '../test/queueProcesses';
import type { BenchSection, SectionRow } from './sections';
import { sweepInPage, type Plan } from './sweep';

const QUICK: Plan = { label: 'sweep-cli reduced', ts: '10, 300', limit: 10, epochs: 10 };
const FULL: Plan = { label: 'sweep-cli', ts: '10, 150, 500', limit: 30, epochs: 10 };

/** The first `limit` images of every class of each split of the demo zip, as a folder. */
function demoSubset(root: string, limit: number): number {
  const files = unzipSync(readFileSync('public/datasets/fashion-mnist-demo.zip'));
  const byClass = new Map<string, string[]>();
  for (const name of Object.keys(files)) {
    const m = /^(train|test)\/([^/]+)\/[^/]+\.png$/.exec(name);
    if (!m) continue;
    const key = `${m[1]}/${m[2]}`;
    byClass.set(key, [...(byClass.get(key) ?? []), name]);
  }
  let n = 0;
  for (const names of byClass.values())
    for (const name of names.sort(comparePaths).slice(0, limit)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), files[name]!);
      n++;
    }
  return n;
}

/** The 1-minute load average: on a shared machine, other work skews every number here. */
const load = (): string => os.loadavg()[0]!.toFixed(1);

export const sweepCliSection: BenchSection = {
  name: 'sweep-cli',
  async run({ browser, base, quick }) {
    const plan = quick ? QUICK : FULL;
    const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-bench-sweep-'));
    const rows: SectionRow[] = [];
    const goals: Record<string, number> = {};
    const cores = os.availableParallelism();
    try {
      const images = join(tmp, 'images');
      const n = demoSubset(images, plan.limit);
      const ts = plan.ts.replace(/\s/g, '');
      const caseName = `${plan.label}: 19 blocks × t {${plan.ts}}, ${n} demo images, pool 2, ${plan.epochs} epochs`;
      const args = (out: string, more: string[] = []) =>
        parseSweepArgs([
          '--model',
          'public/models/fmnist-adm-s',
          '--images',
          images,
          '--t',
          ts,
          '--epochs',
          String(plan.epochs),
          '--shard',
          String(Math.ceil(n / 8)),
          '--out',
          out,
          '--no-progress',
          ...more,
        ]);

      // The browser's sweep (fresh context: nothing cached).
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      let stats;
      try {
        await page.goto(base);
        await page.waitForFunction(() => typeof globalThis.diffprobeHeads === 'object');
        stats = await sweepInPage(page, plan);
      } finally {
        await context.close();
      }
      const browserRate = (stats.passes * 1000) / stats.featureMs;
      rows.push({
        case: caseName,
        runtime: 'Chromium, U-Net WASM (the Heads panel)',
        value: browserRate,
        unit: 'img/s',
        note: `${stats.passes} (image, t) passes; total ${(stats.totalMs / 1000).toFixed(1)} s`,
      });

      // The one-process CLI sweep.
      const one = await sweep(args(join(tmp, 'one')));
      rows.push(
        {
          case: caseName,
          runtime: `diffprobe sweep, onnxruntime-node CPU, ${one.jobs.total} jobs`,
          value: one.imagesPerSecond,
          unit: 'img/s',
          note: `load average ${load()} at the end`,
        },
        {
          case: caseName,
          runtime: 'diffprobe sweep, one process',
          value: one.seconds,
          unit: 's total',
          note: 'planning, features and probes',
        },
      );
      goals.cliVsBrowserImgPerS = one.imagesPerSecond / browserRate;

      // Queued: 1 worker (all cores' threads), then 2 workers (the threads split between them).
      const redisBin = findRedisServer();
      if (!redisBin) {
        console.log('sweep-cli: no redis-server, the queued timings are skipped');
      } else {
        const redis = await startRedis(redisBin);
        try {
          const seconds: number[] = [];
          for (const count of [1, 2]) {
            const threads = String(Math.max(1, Math.floor(cores / count)));
            const workers = Array.from({ length: count }, () =>
              startWorkerProcess(redis.url, ['--threads', threads]),
            );
            try {
              await Promise.all(workers.map((w) => w.waitFor(/^worker: ready/)));
              const q = await sweep(args(join(tmp, `queued-${count}`), ['--queue', redis.url]));
              seconds.push(q.seconds);
              rows.push({
                case: caseName,
                runtime: `queued, ${count} worker${count > 1 ? 's' : ''} × ${threads} threads on loopback`,
                value: q.seconds,
                unit: 's total',
                note: `${q.jobs.total} jobs; ${cores} cores; load average ${load()} at the end`,
              });
            } finally {
              for (const w of workers) await stopProcess(w.proc);
            }
          }
          goals.queuedTwoWorkersSpeedup = seconds[0]! / seconds[1]!;
        } finally {
          await stopProcess(redis.proc, 'SIGKILL');
        }
      }
      console.log(
        `sweep-cli: browser ${browserRate.toFixed(1)} img/s, CLI ${one.imagesPerSecond} img/s` +
          (goals.queuedTwoWorkersSpeedup
            ? `, queued 1 → 2 workers ×${goals.queuedTwoWorkersSpeedup.toFixed(2)} (${cores} cores)`
            : ''),
      );
      return { rows, goals };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
