import { describe, expect, it } from 'vitest';
import { barLine, clock } from '../shared/progressBar';
import { parseSweepArgs, parseTs } from './sweepArgs';
import { parseWorkerArgs } from './worker';

const base = ['--model', 'm', '--images', 'i', '--out', 'o', '--t', '90,10,90'];

describe('sweep and worker arguments', () => {
  it('reads a sweep with its defaults', () => {
    const o = parseSweepArgs(base);
    expect(o).toMatchObject({
      ts: [10, 90],
      blocks: 'all',
      pool: 2,
      seed: 0,
      shard: 256,
      epochs: 10,
      testPercent: 20,
      store: 'o/shards',
      progress: true,
    });
    expect(o.queue).toBeUndefined();
    expect(o.cond).toBeUndefined();
    expect(parseSweepArgs([...base, '--cond', 'y=3', '--cond', 'ctx=e.npy']).cond).toEqual([
      { name: 'y', value: { kind: 'int', value: 3 } },
      { name: 'ctx', value: { kind: 'file', path: 'e.npy' } },
    ]);
    expect(parseSweepArgs([...base, '--queue', 'redis://h:1', '--store', 's']).store).toBe('s');
  });

  it('refuses bad values with the flag that is wrong', () => {
    expect(() => parseTs('10,x')).toThrow(/--t needs an integer/);
    expect(() => parseSweepArgs([...base, '--pool', '0'])).toThrow(
      /--pool needs an integer from 1/,
    );
    expect(() => parseSweepArgs([...base, '--shard', '0'])).toThrow(/--shard/);
    expect(() => parseSweepArgs([...base, '--test-percent', '100'])).toThrow(/--test-percent/);
    expect(() => parseSweepArgs([...base, '--queue', 'http://h:1'])).toThrow(/redis:\/\/HOST:PORT/);
    expect(() => parseSweepArgs(base.slice(2))).toThrow(/give --model/);
    expect(() => parseSweepArgs([...base, '--frob'])).toThrow(/unknown option/);
  });

  it('reads a worker', () => {
    expect(
      parseWorkerArgs(['--queue', 'redis://h:1', '--device', 'cuda', '--concurrency', '3']),
    ).toMatchObject({
      queue: 'redis://h:1',
      device: 'cuda',
      concurrency: 3,
      lockSeconds: 30,
    });
    expect(() => parseWorkerArgs([])).toThrow(/give --queue/);
    expect(() => parseWorkerArgs(['--queue', 'redis://h:1', '--device', 'tpu'])).toThrow(
      /--device/,
    );
  });

  it('draws the progress bar with images per second and time left', () => {
    expect(clock(65)).toBe('1:05');
    expect(clock(3723)).toBe('1:02:03');
    expect(barLine('sweep', 5, 10, 100, 100, 10, 10)).toBe(
      'sweep [#####-----] 5/10 jobs · 10.0 img/s · 0:10 left',
    );
    expect(barLine('sweep', 0, 10, 0, 100, 1, 10)).toMatch(/\? left$/);
  });
});
