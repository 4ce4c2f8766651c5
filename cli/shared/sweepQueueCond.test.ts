/**
 * A queued sweep of the tiny conditional model (test/condUnet.ts) on a loopback redis-server
 * with one `diffprobe worker`: the worker feeds the class and context from the plan, so its
 * shards are the one-process sweep's, bit for bit, and sweep.json records the conditioning.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSweepResult } from '../../src/core/sweep/result';
import { writeCondSweepData } from '../../test/condSweepData';
import {
  findRedisServer,
  startRedis,
  startWorkerProcess,
  stopProcess,
} from '../../test/queueProcesses';
import { parseSweepArgs, sweep } from '../commands/sweep';

const REDIS = findRedisServer();
const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-queue-cond-'));
afterAll(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!REDIS)('diffprobe sweep --queue --cond', () => {
  it('workers feed the plan’s conditioning: the same shards and cells as one process', async () => {
    const d = writeCondSweepData(tmp);
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
    const queued = await sweep(parseSweepArgs([...args(join(tmp, 'q')), '--queue', redis.url]));
    expect(queued.jobs).toEqual({ total: 6, computed: 6, stored: 0 });
    await sweep(parseSweepArgs(args(join(tmp, 'l'))));
    const read = (out: string) =>
      parseSweepResult(JSON.parse(readFileSync(join(tmp, out, 'sweep.json'), 'utf8')));
    expect(read('q').cells).toEqual(read('l').cells);
    expect(read('q').conditioning).toEqual(read('l').conditioning);
    expect(read('q').conditioning![0]).toEqual({ name: 'y', role: 'class', class: 3 });
    const shards = (out: string) =>
      readdirSync(join(tmp, out, 'shards'))
        .filter((f) => f.endsWith('.bin'))
        .sort();
    expect(shards('q')).toEqual(shards('l'));
    expect(shards('q')).toHaveLength(6);
    for (const f of shards('q'))
      expect(
        readFileSync(join(tmp, 'q', 'shards', f)).equals(readFileSync(join(tmp, 'l', 'shards', f))),
      ).toBe(true);
    await stopProcess(worker.proc);
  }, 60_000);
});
