/**
 * The queued sweep on loopback: its own redis-server on a free port, two workers, one of them
 * SIGKILLed while it runs a job; the sweep must still end by itself, with the same shard files
 * (bit for bit) and the same sweep.json cells as the one-process sweep. A conditional model's
 * sweep (test/condUnet.ts, --cond): the worker feeds the plan's class and context, so its shards
 * are the one-process sweep's too.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSweepResult } from '../../src/core/sweep/result';
import {
  findRedisServer,
  startRedis,
  startWorkerProcess,
  stopProcess,
} from '../../test/queueProcesses';
import { writeCondSweepData } from '../../test/condSweepData';
import { writeSweepImages } from '../../test/sweepData';
import { parseSweepArgs, sweep } from '../commands/sweep';

const MODEL = new URL('../../public/models/fmnist-adm-s/', import.meta.url).pathname;
const REDIS = findRedisServer();
if (!REDIS)
  console.warn(
    'sweepQueue.test.ts: SKIPPED — no redis-server (run `node scripts/ensure-system.mjs redis` ' +
      'or `apt-get install redis-server`)',
  );

const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-queue-'));
afterAll(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!REDIS)('diffprobe sweep --queue (BullMQ on a loopback redis-server)', () => {
  it('survives a SIGKILLed worker and equals the one-process sweep', async () => {
    const images = join(tmp, 'images');
    await writeSweepImages(images);
    const redis = await startRedis(REDIS!);
    children.push(redis.proc);
    const url = redis.url;
    const workerArgs = ['--lock-seconds', '2', '--threads', '1'];
    const a = startWorkerProcess(url, workerArgs);
    const b = startWorkerProcess(url, workerArgs);
    children.push(a.proc, b.proc);
    await Promise.all([a.waitFor(/^worker: ready/), b.waitFor(/^worker: ready/)]);

    const common = ['--model', MODEL, '--images', images, '--t', '10,90', '--blocks', '4,12'];
    const more = ['--epochs', '3', '--shard', '2', '--threads', '1', '--no-progress'];
    const queuedOut = join(tmp, 'queued');
    const running = sweep(parseSweepArgs([...common, ...more, '--out', queuedOut, '--queue', url]));
    // Kill worker A in the middle of its first job.
    const started = await a.waitFor(/^worker: start shard/);
    a.proc.kill('SIGKILL');
    const summary = await running;
    expect(summary.jobs.total).toBe(16);
    expect(summary.jobs.computed + summary.jobs.stored).toBe(16);

    // The killed job was taken over and finished by worker B.
    const what = /start (shard \d+ t=\d+)/.exec(started)![1]!;
    expect(a.lines.some((l) => l.includes(`done ${what}`))).toBe(false);
    expect(b.lines.some((l) => l.includes(`done ${what}`))).toBe(true);

    const localOut = join(tmp, 'local');
    await sweep(parseSweepArgs([...common, ...more, '--out', localOut]));
    const read = (out: string) =>
      parseSweepResult(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')));
    expect(read(queuedOut).cells).toEqual(read(localOut).cells);
    expect(read(queuedOut).cells).toHaveLength(4);
    const shards = (out: string) =>
      readdirSync(join(out, 'shards'))
        .filter((f) => f.endsWith('.bin'))
        .sort();
    expect(shards(queuedOut)).toEqual(shards(localOut));
    expect(shards(queuedOut)).toHaveLength(16);
    for (const f of shards(queuedOut)) {
      const q = readFileSync(join(queuedOut, 'shards', f));
      expect(q.equals(readFileSync(join(localOut, 'shards', f)))).toBe(true);
    }

    // Queued again: every job finds its shard stored; the same cells.
    const again = await sweep(
      parseSweepArgs([...common, ...more, '--out', queuedOut, '--queue', url]),
    );
    expect(again.jobs).toEqual({ total: 16, computed: 0, stored: 16 });
    expect(read(queuedOut).cells).toEqual(read(localOut).cells);
    await stopProcess(b.proc);
  }, 180_000);

  it('workers feed the plan’s conditioning: the same shards and cells as one process', async () => {
    const d = writeCondSweepData(join(tmp, 'cond'));
    const redis = await startRedis(REDIS!);
    children.push(redis.proc);
    const worker = startWorkerProcess(redis.url, ['--threads', '1']);
    children.push(worker.proc);
    await worker.waitFor(/^worker: ready/);
    const args = (out: string): string[] => [
      ...['--model', d.model, '--images', d.images, '--t', '5,50', '--blocks', '1-3'],
      ...['--pool', '1', '--epochs', '2', '--shard', '4', '--threads', '1', '--no-progress'],
      ...['--cond', 'y=3', '--cond', `ctx=${d.ctx}`, '--out', out],
    ];
    const queued = await sweep(
      parseSweepArgs([...args(join(tmp, 'cond-q')), '--queue', redis.url]),
    );
    expect(queued.jobs).toEqual({ total: 6, computed: 6, stored: 0 });
    expect(worker.lines).toContainEqual(
      expect.stringMatching(/^worker: start shard \d+ t=\d+, y: class 3, ctx: ctx\.npy/),
    );
    await sweep(parseSweepArgs(args(join(tmp, 'cond-l'))));
    const read = (out: string) =>
      parseSweepResult(JSON.parse(readFileSync(join(tmp, `cond-${out}`, 'sweep.json'), 'utf8')));
    expect(read('q').cells).toEqual(read('l').cells);
    expect(read('q').conditioning).toEqual(read('l').conditioning);
    expect(read('q').conditioning![0]).toEqual({ name: 'y', role: 'class', class: 3 });
    const shards = (out: string) =>
      readdirSync(join(tmp, `cond-${out}`, 'shards'))
        .filter((f) => f.endsWith('.bin'))
        .sort();
    expect(shards('q')).toEqual(shards('l'));
    expect(shards('q')).toHaveLength(6);
    for (const f of shards('q'))
      expect(
        readFileSync(join(tmp, 'cond-q', 'shards', f)).equals(
          readFileSync(join(tmp, 'cond-l', 'shards', f)),
        ),
      ).toBe(true);
    await stopProcess(worker.proc);
  }, 60_000);
});
