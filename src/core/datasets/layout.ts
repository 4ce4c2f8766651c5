/**
 * How a list of relative file paths becomes a labelled image set:
 *   <class>/<file>                labels from the class folders,
 *   <file>                        (directly in the root) label null,
 *   train|test/<class>/<file>     the same, per split (the dataset brings its own split).
 * A source whose files all sit in one top-level folder (other than train/ or test/) is read from
 * inside that folder (`wrapperPrefix`), so a dropped folder and its zip give the same item paths;
 * a folder holding only files (no subfolders) is one class, not a wrapper.
 * Hidden files and folders (".name") and __MACOSX/ are ignored. Item paths are relative to the
 * root, '/'-separated, and sorted in natural order (digit runs compare as numbers: 2.png before
 * 10.png); they are the item ids the seeded noise and the feature cache are keyed on. Classes are
 * the sorted class folder names over the whole source (every split), so a label means the same
 * class in train and test.
 */

export type Split = 'train' | 'test';

export interface LayoutItem {
  /** Path relative to the source root, '/'-separated: the item id. */
  path: string;
  /** Index into `classes`, or null for a file with no class folder. */
  label: number | null;
  split: Split | null;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface Layout {
  /** 'split' when the root holds train/ and/or test/. */
  layout: 'split' | 'classes';
  items: LayoutItem[];
  classes: string[];
  skipped: SkippedFile[];
  /** Class folders that hold no image (listed for the user; they get no class). */
  emptyClasses: string[];
}

export interface ClassifyOptions {
  /** Paths that cannot be read at all (e.g. encrypted zip entries), with the reason. */
  unreadable?: ReadonlyMap<string, string>;
  /** Why a file with this (lower-case) extension is not taken, or null to take it. */
  accept?: (ext: string) => string | null;
  /** Folders seen in the source (they may be empty: a drop or a zip lists them). */
  dirs?: readonly string[];
}

export const SKIP_NOT_IMAGE = 'not an image';
export const SKIP_NOT_PNG = 'only PNG is decoded headless (convert it to PNG)';

/** Extensions of images a browser decodes (createImageBitmap). */
export const BROWSER_IMAGES = new Set(['png', 'jpg', 'jpeg', 'jfif', 'webp', 'gif', 'bmp', 'avif']);

/** Other extensions that are images, just not decodable everywhere. */
export const OTHER_IMAGES = new Set([
  'jpg',
  'jpeg',
  'jfif',
  'webp',
  'gif',
  'bmp',
  'tif',
  'tiff',
  'avif',
  'heic',
  'heif',
  'ico',
  'svg',
]);

/** The browser's rule: every decodable image; the rest skipped with the reason. */
export function acceptBrowserImage(ext: string): string | null {
  if (BROWSER_IMAGES.has(ext)) return null;
  return OTHER_IMAGES.has(ext) ? `this browser cannot decode .${ext} images` : SKIP_NOT_IMAGE;
}

/** The headless rule: PNG only. */
export function acceptPngOnly(ext: string): string | null {
  if (ext === 'png') return null;
  return OTHER_IMAGES.has(ext) ? SKIP_NOT_PNG : SKIP_NOT_IMAGE;
}

/** Natural path order: digit runs compare as numbers, the rest by UTF-16 code units. */
export function comparePaths(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      continue; // same number, different leading zeros: decided by the tie-break below
    }
    return x < y ? -1 : 1;
  }
  if (ta.length !== tb.length) return ta.length - tb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Hidden files and folders and macOS resource forks are not part of a dataset. */
export function ignoredPath(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

export function extension(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function isSplitName(name: string): boolean {
  return name.toLowerCase() === 'train' || name.toLowerCase() === 'test';
}

/**
 * The single top-level folder every file sits in ('' when none, or when it is train/ or test/),
 * with a trailing '/'. Strip it from every path to read the source from inside.
 */
export function wrapperPrefix(paths: readonly string[]): string {
  const files = paths.filter((p) => !ignoredPath(p));
  if (files.length === 0) return '';
  const tops = new Set(files.map((p) => (p.includes('/') ? p.split('/')[0]! : '')));
  const top = tops.size === 1 ? [...tops][0]! : '';
  if (top === '' || isSplitName(top)) return '';
  // A folder whose files all sit directly in it is one class, not a wrapper.
  const prefix = `${top}/`;
  return files.some((p) => p.slice(prefix.length).includes('/')) ? prefix : '';
}

/** Sorts relative file paths into items, classes and skipped files (see the module comment). */
export function classify(paths: readonly string[], options: ClassifyOptions = {}): Layout {
  const unreadable = options.unreadable ?? new Map<string, string>();
  const accept = options.accept ?? acceptBrowserImage;
  const files = paths.filter((p) => !ignoredPath(p)).sort(comparePaths);
  const topDirs = new Set(files.filter((p) => p.includes('/')).map((p) => p.split('/')[0]!));
  const isSplit = topDirs.size > 0 && [...topDirs].every(isSplitName);
  const skipped: SkippedFile[] = [];
  const found: { path: string; cls: string | null; split: Split | null }[] = [];
  const folders = new Set<string>();
  const classOf = (parts: string[]): string | null => (parts.length > 1 ? parts[0]! : null);
  const strip = (path: string): { parts: string[]; split: Split | null } => {
    const parts = path.split('/');
    if (isSplit && parts.length > 1) {
      return { parts: parts.slice(1), split: parts[0]!.toLowerCase() as Split };
    }
    return { parts, split: null };
  };
  for (const path of files) {
    const { parts, split } = strip(path);
    const cls = classOf(parts);
    if (cls !== null) folders.add(cls);
    const why = unreadable.get(path) ?? accept(extension(path));
    if (why !== null) {
      skipped.push({ path, reason: why });
      continue;
    }
    found.push({ path, cls, split });
  }
  for (const dir of options.dirs ?? []) {
    if (ignoredPath(dir) || dir === '') continue;
    const parts = dir.split('/').filter((p) => p !== '');
    const inner = isSplit && parts.length > 0 && isSplitName(parts[0]!) ? parts.slice(1) : parts;
    if (inner.length >= 1) folders.add(inner[0]!);
  }
  const classes = [...new Set(found.flatMap((f) => (f.cls === null ? [] : [f.cls])))].sort(
    comparePaths,
  );
  const index = new Map(classes.map((c, i) => [c, i]));
  const items = found.map((f) => ({
    path: f.path,
    label: f.cls === null ? null : index.get(f.cls)!,
    split: f.split,
  }));
  const emptyClasses = [...folders].filter((f) => !index.has(f)).sort(comparePaths);
  return { layout: isSplit ? 'split' : 'classes', items, classes, skipped, emptyClasses };
}
