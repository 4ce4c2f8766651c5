import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src/core/npy';
import { NpyWriter } from './npyWriter';

const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-npywriter-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('NpyWriter', () => {
  it('writes batch by batch the bytes encodeNpy writes for the whole array', () => {
    const all = Float32Array.from({ length: 7 * 3 * 2 * 2 }, (_, i) => Math.sin(i));
    const row = 3 * 2 * 2;
    const w = new NpyWriter(join(tmp, 'a.npy.tmp'), join(tmp, 'a.npy'));
    w.append(all.subarray(0, 4 * row), [4, 3, 2, 2]);
    w.append(all.subarray(4 * row), [3, 3, 2, 2]);
    expect(w.shape).toEqual([7, 3, 2, 2]);
    expect(existsSync(join(tmp, 'a.npy'))).toBe(false);
    w.finish();
    expect(existsSync(join(tmp, 'a.npy.tmp'))).toBe(false);
    const bytes = new Uint8Array(readFileSync(join(tmp, 'a.npy')));
    expect(bytes).toEqual(encodeNpy(all, [7, 3, 2, 2]));
  });

  it('refuses rows of another shape, and abort leaves nothing behind', () => {
    const w = new NpyWriter(join(tmp, 'b.npy.tmp'), join(tmp, 'b.npy'));
    w.append(new Float32Array(8), [2, 4]);
    expect(() => w.append(new Float32Array(6), [2, 3])).toThrow(/shape changed between batches/);
    w.abort();
    expect(existsSync(join(tmp, 'b.npy.tmp'))).toBe(false);
    expect(existsSync(join(tmp, 'b.npy'))).toBe(false);
  });
});
