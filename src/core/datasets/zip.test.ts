import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, GiB } from './limits';
import { bytesAccess, entryProblem, readZipDirectory, readZipEntry, ZipError } from './zip';
import type { RandomAccess } from './zip';

const enc = new TextEncoder();

function centralEntries(zip: Uint8Array): number[] {
  const at: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) {
    if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 1 && zip[i + 3] === 2) at.push(i);
  }
  return at;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof ZipError ? e.code : String(e);
  }
}

describe('zip reader', () => {
  const zip = zipSync({
    'a/1.png': [enc.encode('one'), { level: 0 }],
    'a/2.png': enc.encode('two two two two two two two'),
    'café ☕/ü.png': enc.encode('odd'),
    'empty/': new Uint8Array(0),
  });

  it('lists entries and reads stored and deflated ones', async () => {
    const src = bytesAccess(zip);
    const entries = await readZipDirectory(src);
    expect(entries.map((e) => e.name)).toEqual(['a/1.png', 'a/2.png', 'café ☕/ü.png', 'empty/']);
    const text = await Promise.all(
      entries.slice(0, 3).map(async (e) => new TextDecoder().decode(await readZipEntry(src, e))),
    );
    expect(text).toEqual(['one', 'two two two two two two two', 'odd']);
    expect(entries.map((e) => entryProblem(e))).toEqual([null, null, null, null]);
  });

  it('refuses what is not a zip, and a truncated one', async () => {
    expect(
      await code(readZipDirectory(bytesAccess(enc.encode('hello, this is not a zip file')))),
    ).toBe('not-zip');
    expect(await code(readZipDirectory(bytesAccess(zip.subarray(40))))).toBe('corrupt');
  });

  it('refuses a zip over 2 GB before reading it', async () => {
    const huge: RandomAccess = {
      size: 2 * GiB + 1,
      read: () => Promise.reject(new Error('must not be read')),
    };
    expect(await code(readZipDirectory(huge))).toBe('too-large');
  });

  it('refuses too many entries', async () => {
    const limits = { ...DEFAULT_LIMITS, maxEntries: 3 };
    expect(await code(readZipDirectory(bytesAccess(zip), limits))).toBe('too-many-entries');
  });

  it('refuses a zip whose declared sizes add up past the limit (a bomb or a > 2 GB set)', async () => {
    const forged = zip.slice();
    const v = new DataView(forged.buffer);
    // Declare 1.5 GB for two entries: 3 GB expanded, from a file of a few hundred bytes.
    for (const at of centralEntries(forged).slice(0, 2)) v.setUint32(at + 24, 1.5 * GiB, true);
    expect(await code(readZipDirectory(bytesAccess(forged)))).toBe('bomb');
  });

  it('flags entries by ratio and size, and stops one that expands past its declared size', async () => {
    const zeros = new Uint8Array(4 * 1024 * 1024);
    const bomb = zipSync({ 'a/z.png': zeros });
    const src = bytesAccess(bomb);
    const [entry] = await readZipDirectory(src);
    expect(entryProblem(entry!)).toMatch(/zip bomb/);
    expect(entryProblem(entry!, { ...DEFAULT_LIMITS, maxFileBytes: 1024 })).toMatch(/more than/);
    // The directory lies: it declares 1 kB.
    expect(await code(readZipEntry(src, { ...entry!, size: 1024 }))).toBe('bomb');
    expect((await readZipEntry(src, entry!)).length).toBe(zeros.length);
  });
});
