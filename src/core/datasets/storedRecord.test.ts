import { describe, expect, it } from 'vitest';
import { checkStoredMeta, storedItemProblem } from './storedRecord';

/** A record as the first version wrote it: no status, note, duplicates or skipped counts. */
const OLD = {
  id: 'ds-1',
  name: 'shoes',
  origin: 'folder',
  createdAt: 5,
  size: 32,
  channels: 1,
  fit: 'crop',
  classes: [
    { name: 'a', folder: 'a', included: true, count: 2 },
    { name: 'b', folder: 'b', included: false, count: 1 },
  ],
  ownSplit: false,
  split: { seed: 3, testFraction: 0.25 },
  count: 3,
  total: 4,
  bytes: 3 * 32 * 32,
  skipped: [{ path: 'x.txt', reason: 'not an image' }],
  emptyClasses: [],
};

describe('stored dataset records', () => {
  it('brings a record of an older version up to date (defaults for the later fields)', () => {
    const r = checkStoredMeta(OLD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.meta).toMatchObject({
      id: 'ds-1',
      status: 'complete',
      note: null,
      skippedCount: 1,
      duplicates: [],
      duplicateCount: 0,
      split: { seed: 3, testFraction: 0.25 },
    });
    expect(r.meta.classes[1]!.included).toBe(false);
  });

  it.each([
    [null, 'not an object'],
    ['{"id":"x"}', 'not an object'],
    [{ ...OLD, id: 7 }, 'no id'],
    [{ ...OLD, size: -1 }, 'image size'],
    [{ ...OLD, channels: 2 }, 'channels'],
    [{ ...OLD, classes: 'a,b' }, 'classes are not a list'],
    [{ ...OLD, classes: [{ name: 'a' }] }, 'class 1 has no name or count'],
    [{ ...OLD, count: 99 }, 'hold 3 images, not 99'],
  ])('refuses a corrupted record (%#) with the reason', (value, reason) => {
    const r = checkStoredMeta(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('checks an image record against its dataset', () => {
    const meta = { size: 2, channels: 1 as const, classes: [{}, {}] as never };
    const good = { id: 'a/1.png', label: 1, pixels: new Uint8Array(4) };
    expect(storedItemProblem(good, meta)).toBeNull();
    expect(storedItemProblem({ ...good, label: 2 }, meta)).toMatch(/class/);
    expect(storedItemProblem({ ...good, pixels: new Uint8Array(3) }, meta)).toMatch(/3 pixel/);
    expect(storedItemProblem({ ...good, pixels: [0, 0, 0, 0] }, meta)).toMatch(/missing/);
  });
});
