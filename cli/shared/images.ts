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
 * PNG, JPEG and WebP are decoded headless (./imageDecode.ts); other images and non-image files are
 * listed as skipped.
 * Pixels are decoded one item at a time by `load`; a zip is read by random access (its central
 * directory) with the app's zip reader, never unpacked whole.
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
import {
  classify as classifyLayout,
  comparePaths,
  ignoredPath,
  SKIP_NOT_IMAGE,
  OTHER_IMAGES,
} from '../../src/core/datasets/layout';
import { DEFAULT_LIMITS, type ImportLimits } from '../../src/core/datasets/limits';
import { entryProblem, readZipDirectory, readZipEntry } from '../../src/core/datasets/zip';
import type { RandomAccess, ZipEntry } from '../../src/core/datasets/zip';
import type { DecodedImage } from '../../src/core/image/png';
import type { LayoutItem, SkippedFile, Split } from '../../src/core/datasets/layout';
import { decodeImage, HEADLESS_IMAGES } from './imageDecode';
import { CliError } from './errors';

export type { Split, SkippedFile } from '../../src/core/datasets/layout';
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
  read(item: ImageItem): Promise<Uint8Array>;
  /** The decoded pixels (rejects with ImageDecodeError for a file that does not decode). */
  load(item: ImageItem): Promise<DecodedImage>;
  /** Closes the zip file, if one is open. */
  close(): void;
}

export { comparePaths, SKIP_NOT_IMAGE };

/** Why the CLI skips an image type it does not decode. */
export const SKIP_NOT_HEADLESS = 'only PNG, JPEG and WebP are decoded headless (convert it)';

/** The headless rule: PNG, JPEG and WebP; other images and other files skipped with the reason. */
export function acceptHeadless(ext: string): string | null {
  if (HEADLESS_IMAGES.has(ext)) return null;
  return OTHER_IMAGES.has(ext) ? SKIP_NOT_HEADLESS : SKIP_NOT_IMAGE;
}

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
    accept: acceptHeadless,
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
  const read = (item: ImageItem): Promise<Uint8Array> =>
    Promise.resolve(new Uint8Array(readFileSync(join(root, item.path))));
  return {
    source: root,
    kind: 'folder',
    prefix: '',
    ...listed,
    read,
    load: async (item) => decodeImage(item.path, await read(item)),
    close: () => {},
  };
}

// ---------- zip files ----------

/**
 * The CLI reads zips with the app's reader (src/core/datasets/zip.ts): the same ZIP64 support,
 * the same checks of declared sizes and the same streamed inflation. Only the limits differ: a
 * headless run may read archives larger than a browser tab could hold.
 */
const CLI_LIMITS: ImportLimits = {
  ...DEFAULT_LIMITS,
  maxZipBytes: Number.MAX_SAFE_INTEGER,
  maxExpandedBytes: Number.MAX_SAFE_INTEGER,
  maxEntries: 10_000_000,
};

/** A Node file as the zip reader's random-access source. */
function fileAccess(fd: number): RandomAccess {
  return {
    size: fstatSync(fd).size,
    read: (position, length) => {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
      if (got < length) throw new Error(`unexpected end of file at byte ${position + got}`);
      return Promise.resolve(buf);
    },
  };
}

async function openZip(path: string): Promise<ImageSource> {
  const fd = openSync(path, 'r');
  const access = fileAccess(fd);
  let entries: ZipEntry[];
  try {
    entries = await readZipDirectory(access, CLI_LIMITS);
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
    const problem = entryProblem(f, CLI_LIMITS);
    if (problem) unreadable.set(f.name, problem);
  }
  const listed = classify(
    files.map((f) => f.name),
    unreadable,
  );
  let open = true;
  const read = async (item: ImageItem): Promise<Uint8Array> => {
    const entry = byName.get(item.path);
    if (!entry) throw new CliError(`${path}: no entry ${item.path}`);
    if (!open) throw new CliError(`${path}: the zip file is closed`);
    try {
      return await readZipEntry(access, entry);
    } catch (e) {
      throw new CliError(`${path}: ${prefix}${item.path}: ${(e as Error).message}`);
    }
  };
  return {
    source: path,
    kind: 'zip',
    prefix,
    ...listed,
    read,
    load: async (item) => decodeImage(item.path, await read(item)),
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Opens a folder or a .zip of images. */
export async function openImages(path: string): Promise<ImageSource> {
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
