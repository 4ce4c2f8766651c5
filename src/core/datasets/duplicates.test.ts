import { describe, expect, it } from 'vitest';
import { contentHash, DuplicateIndex } from './duplicates';

describe('DuplicateIndex', () => {
  it('names the first file with the same content', async () => {
    const idx = new DuplicateIndex();
    const a = Uint8Array.from([1, 2, 3]);
    const b = Uint8Array.from([1, 2, 4]);
    expect(idx.check('a.png', await contentHash(a), a.length)).toBeNull();
    expect(idx.check('b.png', await contentHash(b), b.length)).toBeNull();
    expect(idx.check('c.png', await contentHash(a.slice()), 3)).toBe('a.png');
    expect(idx.size).toBe(2);
  });
  it('hashes with SHA-256', async () => {
    expect(await contentHash(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
