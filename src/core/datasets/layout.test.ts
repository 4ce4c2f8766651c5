import { describe, expect, it } from 'vitest';
import { acceptPngOnly, classify, comparePaths, wrapperPrefix } from './layout';

describe('classify', () => {
  it('labels class folders, lists non-images and ignores hidden files', () => {
    const out = classify([
      'dog/10.png',
      'dog/2.jpg',
      'cat/1.png',
      'cat/notes.txt',
      '.DS_Store',
      '__MACOSX/cat/._1.png',
      'loose.png',
    ]);
    expect(out.layout).toBe('classes');
    expect(out.classes).toEqual(['cat', 'dog']);
    expect(out.items).toEqual([
      { path: 'cat/1.png', label: 0, split: null },
      { path: 'dog/2.jpg', label: 1, split: null },
      { path: 'dog/10.png', label: 1, split: null },
      { path: 'loose.png', label: null, split: null },
    ]);
    expect(out.skipped).toEqual([{ path: 'cat/notes.txt', reason: 'not an image' }]);
  });

  it('reads train/ and test/ as the dataset own split, with one class list', () => {
    const out = classify(['train/b/1.png', 'test/a/1.png', 'TRAIN/a/2.png']);
    expect(out.layout).toBe('split');
    expect(out.classes).toEqual(['a', 'b']);
    expect(out.items.map((i) => [i.path, i.label, i.split])).toEqual([
      ['TRAIN/a/2.png', 0, 'train'],
      ['test/a/1.png', 0, 'test'],
      ['train/b/1.png', 1, 'train'],
    ]);
  });

  it('reports class folders without an image, including empty folders it was told of', () => {
    const out = classify(['a/1.png', 'b/readme.md'], { dirs: ['a', 'b', 'c/'] });
    expect(out.classes).toEqual(['a']);
    expect(out.emptyClasses).toEqual(['b', 'c']);
  });

  it('takes the headless rule (PNG only) and unreadable entries', () => {
    const out = classify(['a/1.png', 'a/2.jpg', 'a/3.png'], {
      accept: acceptPngOnly,
      unreadable: new Map([['a/3.png', 'encrypted zip entry']]),
    });
    expect(out.items.map((i) => i.path)).toEqual(['a/1.png']);
    expect(out.skipped.map((s) => s.reason)).toEqual([
      'only PNG is decoded headless (convert it to PNG)',
      'encrypted zip entry',
    ]);
  });

  it('keeps odd characters in ids and class names', () => {
    const out = classify(['café ☕/ü #1.png', '日本/%20?.png']);
    expect(out.classes).toEqual(['café ☕', '日本']);
    expect(out.items.map((i) => i.path)).toEqual(['café ☕/ü #1.png', '日本/%20?.png']);
  });
});

describe('wrapperPrefix', () => {
  it('steps into one top folder, never into train/ or test/', () => {
    expect(wrapperPrefix(['set/a/1.png', 'set/b/2.png', '.hidden'])).toBe('set/');
    expect(wrapperPrefix(['train/a/1.png'])).toBe('');
    expect(wrapperPrefix(['a/1.png', 'b/1.png'])).toBe('');
    expect(wrapperPrefix([])).toBe('');
    // Only files in it: a single class folder, kept as the class.
    expect(wrapperPrefix(['only/1.png', 'only/2.png'])).toBe('');
  });
});

describe('comparePaths', () => {
  it('orders digit runs as numbers', () => {
    expect(['10.png', '2.png', '02.png', 'a.png'].sort(comparePaths)).toEqual([
      '02.png',
      '2.png',
      '10.png',
      'a.png',
    ]);
  });
});
