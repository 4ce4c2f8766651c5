/**
 * The queued sweep on loopback: its own redis-server on a free port, two workers, one of them
 * SIGKILLed while it runs a job; the sweep must still end by itself, with the same shard files
 * (bit for bit) and the same sweep.json cells as the one-process sweep.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSweepResult } from '../../src/core/sweep/result';
import { writeSweepImages } from '../../test/sweepData';
import { parseSweepArgs, sweep } from '../commands/sweep';

const MODEL = new URL('../../public/models/fmnist-adm-s/', import.meta.url).pathname;
const BIN = new URL('../../bin/diffprobe.mjs', import.meta.url).pathname;

function redisServer(): string | null {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0)
    return 'redis-server';
  return existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null;
}
const REDIS = redisServer();
if (!REDIS)
  console.warn(
    'sweepQueue.test.ts: SKIPPED — no redis-server (run `node scripts/ensure-system.mjs redis` ' +
      'or `apt-get install redis-server`)',
  );

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-queue-'));
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** A worker process, its stderr lines, and a promise per line pattern. */
function startWorker(url: string): {
  proc: ChildProcess;
  lines: string[];
  waitFor: (re: RegExp) => Promise<string>;
} {
  const proc = spawn(
    process.execPath,
    [BIN, 'worker', '--queue', url, '--lock-seconds', '2', '--threads', '1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(proc);
  const lines: string[] = [];
  const waiters: { re: RegExp; done: (l: string) => void }[] = [];
  let rest = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    rest += chunk.toString();
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters])
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done(line);
        }
    }
  });
  const waitFor = (re: RegExp): Promise<string> => {
    const seen = lines.find((l) => re.test(l));
    return seen !== undefined
      ? Promise.resolve(seen)
      : new Promise((done) => waiters.push({ re, done }));
  };
  return { proc, lines, waitFor };
}

describe.skipIf(!REDIS)('diffprobe sweep --queue (BullMQ on a loopback redis-server)', () => {
  it('survives a SIGKILLed worker and equals the one-process sweep', async () => {
    const images = join(tmp, 'images');
    await writeSweepImages(images);
    const port = await freePort();
    const redis = spawn(
      REDIS!,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    children.push(redis);
    const url = `redis://127.0.0.1:${port}`;
    const probe = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    probe.on('error', () => {}); // refused until the server listens; retried
    await probe.ping();
    probe.disconnect();

    const a = startWorker(url);
    const b = startWorker(url);
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
    for (const f of shards(queuedOut))
      expect(
        readFileSync(join(queuedOut, 'shards', f)).equals(
          readFileSync(join(localOut, 'shards', f)),
        ),
      ).toBe(true);
    b.proc.kill('SIGTERM');
    await new Promise((r) => b.proc.once('exit', r));
  }, 180_000);
});
