/** The CLI on bad input, as a user runs it: exit status 1 and one line on stderr, no stack. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportError } from './shared/exit';

const BIN = join(import.meta.dirname, '..', 'bin', 'diffprobe.mjs');

function run(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

const EXTRACT = ['extract', '--model', 'm', '--images', 'i', '--out', 'o', '--t', '5'];

describe('diffprobe on bad input', () => {
  it.each([
    [[...EXTRACT, '--blocks', '1-1000000'], /--blocks: 1-1000000 is outside 1 to 10000/],
    [[...EXTRACT, '--blocks', '1', '--batch', '99999'], /--batch needs an integer from 1 to 4096/],
    [[...EXTRACT, '--blocks', '1', '--pool', '1e3'], /--pool needs an integer from 0 to 1024/],
    [['cka', '--a', 'no-such.npy', '--b', 'no-such.npy'], /no-such\.npy/],
    [
      ['sweep', '--model', 'm', '--images', 'i', '--out', 'o', '--t', '5', '--cond', 'y'],
      /--cond needs NAME=INTEGER or NAME=FILE\.npy, got "y"/,
    ],
    [['frobnicate'], /unknown command/],
  ])(
    '%j fails with status 1 and one line',
    (args, message) => {
      const r = run(...args);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    30_000,
  );
});

describe('internal errors', () => {
  it('are status 2, with the stack trace only under --debug', () => {
    const quiet = reportError(new TypeError('x is undefined'), false);
    expect(quiet.status).toBe(2);
    expect(quiet.text.trim().split('\n')).toHaveLength(1);
    const loud = reportError(new TypeError('x is undefined'), true);
    expect(loud.status).toBe(2);
    expect(loud.text).toMatch(/\n\s+at /);
  });
});
