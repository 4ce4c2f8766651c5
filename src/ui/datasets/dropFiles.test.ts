import { describe, expect, it } from 'vitest';
import { filesFromDrop, readFailure } from './dropFiles';

/** The parts of the File System Entries API the walk uses, over a plain tree. */
type Tree = { [name: string]: Tree | Blob | DOMException };

function entry(name: string, node: Tree | Blob | DOMException): FileSystemEntry {
  if (node instanceof Blob || node instanceof DOMException) {
    return {
      name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void, fail: (e: DOMException) => void) =>
        node instanceof DOMException ? fail(node) : ok(node as File),
    } as unknown as FileSystemEntry;
  }
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let given = false;
      return {
        readEntries: (ok: (e: FileSystemEntry[]) => void) => {
          const batch = given ? [] : Object.entries(node).map(([n, child]) => entry(n, child));
          given = true;
          ok(batch);
        },
      };
    },
  } as unknown as FileSystemEntry;
}

function dropped(root: FileSystemEntry): DataTransfer {
  return {
    items: [{ kind: 'file', webkitGetAsEntry: () => root }],
    files: [],
  } as unknown as DataTransfer;
}

describe('walking a dropped folder', () => {
  it('names a file the browser cannot read and keeps walking', async () => {
    const gone = new DOMException('A requested file could not be found', 'NotFoundError');
    const picked = await filesFromDrop(
      dropped(entry('pets', { cat: { '1.png': new Blob(['x']), '2.png': gone }, dog: {} })),
    );
    expect(picked!.files.map((f) => f.path)).toEqual(['pets/cat/1.png']);
    expect(picked!.unreadable).toEqual([
      { path: 'pets/cat/2.png', reason: 'it was moved or deleted' },
    ]);
    expect(picked!.dirs).toEqual(['pets', 'pets/cat', 'pets/dog']);
  });

  it('says why in a few words', () => {
    expect(readFailure(new DOMException('x', 'NotReadableError'))).toBe(
      'the browser may not read it (permissions)',
    );
    expect(readFailure(new Error('disk on fire'))).toBe('it could not be read (disk on fire)');
  });
});
