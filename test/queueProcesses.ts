/**
 * Local processes for the queued sweep's test and bench: a throwaway redis-server on a free
 * loopback port and `diffprobe worker` processes whose stderr lines can be awaited.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

const BIN = new URL('../bin/diffprobe.mjs', import.meta.url).pathname;

/** The redis-server binary, or null when none is installed. */
export function findRedisServer(): string | null {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0)
    return 'redis-server';
  return existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

/** A redis-server without persistence on a free loopback port; resolves once it answers. */
export async function startRedis(binary: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  probe.on('error', () => {}); // refused until the server listens; retried
  try {
    await probe.ping();
  } finally {
    probe.disconnect();
  }
  return { url, proc };
}

export interface WorkerProcess {
  proc: ChildProcess;
  lines: string[];
  /** The first stderr line (seen or to come) that matches. */
  waitFor: (re: RegExp) => Promise<string>;
}

/** `diffprobe worker --queue url …args` as a child process. */
export function startWorkerProcess(url: string, args: readonly string[]): WorkerProcess {
  const proc = spawn(process.execPath, [BIN, 'worker', '--queue', url, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((done, fail) => {
      waiters.push({ re, done });
      proc.once('exit', (code, signal) =>
        fail(new Error(`the worker exited (${signal ?? code}): ${lines.slice(-3).join(' | ')}`)),
      );
    });
  };
  return { proc, lines, waitFor };
}

/** Stops a child process and waits for it to exit. */
export async function stopProcess(
  proc: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill(signal);
  await exited;
}
