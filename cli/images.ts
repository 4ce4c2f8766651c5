/**
 * Image sources for the headless CLI: a folder or a .zip, laid out as
 *   <class>/<file>.png              labels from the class folders,
 *   <file>.png                      (directly in the root) label null,
 *   train|test/<class>/<file>.png   the same, per split (the split is reported).
 * A zip whose files all sit in one top-level folder (other than train/ or test/) is read from
 * inside that folder, so zipping a dataset folder gives the same item paths as the folder.
 * Hidden files and folders (".name") and __MACOSX/ are ignored. Item paths are relative to the
 * root, '/'-separated, and sorted in natural order (digit runs compare as numbers: 2.png before
 * 10.png); they are the item ids the seeded noise is keyed on. Classes are the sorted class folder
 * names over the whole source (every split), so a label means the same class in train and test.
 * Only PNG is decoded headless; other images and non-image files are listed as skipped.
 * Pixels are decoded one item at a time by `load`; a zip is read by random access (its central
 * directory), never unpacked whole.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'fflate';
import {
  acceptPngOnly,
  classify as classifyLayout,
  comparePaths,
  ignoredPath,
  SKIP_NOT_IMAGE,
  SKIP_NOT_PNG,
} from '../src/core/datasets/layout';
import { decodePng, type DecodedImage } from '../src/core/image/png';
import type { LayoutItem, SkippedFile, Split } from '../src/core/datasets/layout';
import { CliError } from './inspect';

export type { Split, SkippedFile } from '../src/core/datasets/layout';
export type ImageItem = LayoutItem;

export interface ImageSource {
  /** The folder or zip as given. */
  source: string;
  kind: 'folder' | 'zip';
  /** The zip's wrapper folder that was stepped into ('' when none). */
  prefix: string;
  /** 'split' when the root holds train/ and/or test/. */
  layout: 'split' | 'classes';
  items: ImageItem[];
  classes: string[];
  skipped: SkippedFile[];
  /** The file's bytes. */
  read(item: ImageItem): Uint8Array;
  /** The decoded pixels (throws ImageDecodeError for a bad PNG). */
  load(item: ImageItem): DecodedImage;
  /** Closes the zip file, if one is open. */
  close(): void;
}

export { comparePaths, SKIP_NOT_IMAGE, SKIP_NOT_PNG };

function ignored(path: string): boolean {
  return ignoredPath(path);
}

/**
 * Sorts relative file paths into items, classes and skipped files (see the module comment).
 * `unreadable` maps paths that cannot be read at all (e.g. encrypted zip entries) to a reason.
 */
export function classify(
  paths: readonly string[],
  unreadable: ReadonlyMap<string, string> = new Map(),
): Pick<ImageSource, 'layout' | 'items' | 'classes' | 'skipped'> {
  const { layout, items, classes, skipped } = classifyLayout(paths, {
    unreadable,
    accept: acceptPngOnly,
  });
  return { layout, items, classes, skipped };
}

// ---------- folders ----------

function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (d.name.startsWith('.') || d.name === '__MACOSX') continue;
      const path = rel === '' ? d.name : `${rel}/${d.name}`;
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        try {
          const s = statSync(join(root, path));
          isDir = s.isDirectory();
          isFile = s.isFile();
        } catch {
          continue; // a dangling link
        }
      }
      if (isDir) visit(path);
      else if (isFile) out.push(path);
    }
  };
  visit('');
  return out;
}

function openFolder(root: string): ImageSource {
  const listed = classify(walk(root));
  const read = (item: ImageItem): Uint8Array => new Uint8Array(readFileSync(join(root, item.path)));
  return {
    source: root,
    kind: 'folder',
    prefix: '',
    ...listed,
    read,
    load: (item) => decodePng(read(item)),
    close: () => {},
  };
}

// ---------- zip files ----------

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

function readAt(fd: number, position: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  if (got < length) throw new Error(`unexpected end of file at byte ${position + got}`);
  return buf;
}

const utf8 = new TextDecoder('utf-8');

/** The entries of a zip file's central directory (ZIP64 included). */
function readCentralDirectory(fd: number, fileSize: number): ZipEntry[] {
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = readAt(fd, fileSize - tailLength, tailLength);
  const tv = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end-of-central-directory record (not a zip, or truncated)');
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== SIG_LOCATOR64) {
      throw new Error('ZIP64 end-of-central-directory locator missing');
    }
    const at = Number(tv.getBigUint64(loc + 8, true));
    const rec = new DataView(readAt(fd, at, 56).buffer);
    if (rec.getUint32(0, true) !== SIG_EOCD64)
      throw new Error('bad ZIP64 end-of-central-directory');
    count = Number(rec.getBigUint64(32, true));
    cdSize = Number(rec.getBigUint64(40, true));
    cdOffset = Number(rec.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > fileSize)
    throw new Error('the central directory lies past the end of the file (truncated?)');
  const cd = readAt(fd, cdOffset, cdSize);
  const v = new DataView(cd.buffer);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== SIG_CENTRAL) {
      throw new Error(`corrupt central directory at entry ${i}`);
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    let localOffset = v.getUint32(p + 42, true);
    const name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLength));
    // ZIP64 extra field: the 64-bit values of the fields that are 0xffffffff, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => {
          const x = Number(v.getBigUint64(q, true));
          q += 8;
          return x;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + len;
    }
    entries.push({ name, method, flags, compressedSize, size, localOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

function openZip(path: string): ImageSource {
  const fd = openSync(path, 'r');
  let entries: ZipEntry[];
  try {
    entries = readCentralDirectory(fd, fstatSync(fd).size);
  } catch (e) {
    closeSync(fd);
    throw new CliError(`${path}: not a readable zip file (${(e as Error).message})`);
  }
  let files = entries.filter((e) => !e.name.endsWith('/') && !ignored(e.name));
  // Step into a single wrapper folder (but never into train/ or test/).
  let prefix = '';
  const tops = new Set(files.map((f) => (f.name.includes('/') ? f.name.split('/')[0]! : '')));
  const top = tops.size === 1 ? [...tops][0]! : '';
  if (top !== '' && !['train', 'test'].includes(top.toLowerCase())) {
    prefix = `${top}/`;
  }
  files = files.map((f) => ({ ...f, name: f.name.slice(prefix.length) }));
  const byName = new Map(files.map((f) => [f.name, f]));
  const unreadable = new Map<string, string>();
  for (const f of files) {
    if (f.flags & 1) unreadable.set(f.name, 'encrypted zip entry');
    else if (f.method !== 0 && f.method !== 8) {
      unreadable.set(f.name, `zip compression method ${f.method} is not supported`);
    }
  }
  const listed = classify(
    files.map((f) => f.name),
    unreadable,
  );
  let open = true;
  const read = (item: ImageItem): Uint8Array => {
    const entry = byName.get(item.path);
    if (!entry) throw new CliError(`${path}: no entry ${item.path}`);
    if (!open) throw new CliError(`${path}: the zip file is closed`);
    const local = new DataView(readAt(fd, entry.localOffset, 30).buffer);
    if (local.getUint32(0, true) !== SIG_LOCAL) {
      throw new CliError(`${path}: corrupt zip (bad local header of ${prefix}${item.path})`);
    }
    const start = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    const raw = readAt(fd, start, entry.compressedSize);
    let data: Uint8Array;
    try {
      data = entry.method === 0 ? raw : inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      throw new CliError(`${path}: corrupt zip (${prefix}${item.path}: ${(e as Error).message})`);
    }
    if (data.length !== entry.size) {
      throw new CliError(`${path}: corrupt zip (${prefix}${item.path} has the wrong size)`);
    }
    return data;
  };
  return {
    source: path,
    kind: 'zip',
    prefix,
    ...listed,
    read,
    load: (item) => decodePng(read(item)),
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Opens a folder or a .zip of images. */
export function openImages(path: string): ImageSource {
  if (!existsSync(path)) throw new CliError(`${path}: no such file or folder`);
  const s = statSync(path);
  if (s.isDirectory()) return openFolder(path);
  if (s.isFile()) return openZip(path);
  throw new CliError(`${path}: neither a folder nor a zip file`);
}

/** The items of one split (an error when the source has no train/ + test/ layout). */
export function selectSplit(src: ImageSource, split: Split | undefined): ImageItem[] {
  if (split === undefined) return src.items;
  if (src.layout !== 'split') {
    throw new CliError(`--split ${split}: ${src.source} has no train/ and test/ folders`);
  }
  return src.items.filter((i) => i.split === split);
}
