/**
 * An import source as a list of entries with a byte reader each: a folder's files, a zip's
 * entries (read one at a time from the zip's byte ranges), or the demo zip fetched by URL.
 */
import { WorkerFailure } from '../../src/protocol/errors';
import { wrapperPrefix } from '../../src/core/datasets/layout';
import type { SkippedFile } from '../../src/core/datasets/layout';
import type { ImportLimits } from '../../src/core/datasets/limits';
import { normalizePath } from '../../src/core/datasets/names';
import {
  blobAccess,
  entryProblem,
  readZipDirectory,
  readZipEntry,
  ZipError,
} from '../../src/core/datasets/zip';
import type { ImportSource } from '../../src/protocol/datasets';

export interface SourceEntry {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

export interface ListedSource {
  entries: Map<string, SourceEntry>;
  dirs: string[];
  /** Entries that are listed but cannot be read (encrypted, too large, bomb-like). */
  unreadable: Map<string, string>;
  /** Entries refused outright (paths that leave the root). */
  refused: SkippedFile[];
}

/** A source that cannot be read at all (its kind crosses to the page). */
export class SourceProblem extends WorkerFailure {
  constructor(message: string) {
    super('dataset-source', message);
  }
}

function stripPrefix(paths: { raw: string; path: string }[], dirs: string[]) {
  const prefix = wrapperPrefix(paths.map((p) => p.path));
  return {
    files: paths.map((p) => ({ ...p, path: p.path.slice(prefix.length) })),
    dirs: dirs.filter((d) => d.startsWith(prefix)).map((d) => d.slice(prefix.length)),
  };
}

/**
 * Whether a file's id is taken already: two names that differ only in Unicode normalisation
 * (é typed on macOS and on Linux), or a zip listing one name twice. The second is refused and
 * listed, never dropped silently.
 */
function sameName(
  entries: Map<string, SourceEntry>,
  f: { path: string },
  refused: SkippedFile[],
): boolean {
  if (!entries.has(f.path)) return false;
  refused.push({
    path: f.path,
    reason:
      'another file has the same name (written with other Unicode code points, or listed twice)',
  });
  return true;
}

export async function listSource(
  source: ImportSource,
  limits: ImportLimits,
  signal?: AbortSignal,
): Promise<ListedSource> {
  const entries = new Map<string, SourceEntry>();
  const unreadable = new Map<string, string>();
  const refused: SkippedFile[] = [];
  if (source.kind === 'files') {
    if (source.files.length > limits.maxEntries) {
      throw new SourceProblem(
        `the folder holds ${source.files.length.toLocaleString('en')} files; at most ${limits.maxEntries.toLocaleString('en')} are read`,
      );
    }
    const named: { raw: string; path: string; file: Blob }[] = [];
    for (const f of source.files) {
      const path = normalizePath(f.path);
      if (path === null) refused.push({ path: f.path, reason: 'the path leaves the folder' });
      else named.push({ raw: f.path, path, file: f.file });
    }
    for (const u of source.unreadable ?? []) refused.push({ path: u.path, reason: u.reason });
    const dirs = (source.dirs ?? []).flatMap((d) => normalizePath(d) ?? []);
    const stripped = stripPrefix(named, dirs);
    stripped.files.forEach((f, i) => {
      if (sameName(entries, f, refused)) return;
      const file = named[i]!.file;
      if (file.size > limits.maxFileBytes) unreadable.set(f.path, 'the file is too large');
      entries.set(f.path, {
        path: f.path,
        size: file.size,
        read: async () => new Uint8Array(await file.arrayBuffer()),
      });
    });
    return { entries, dirs: stripped.dirs, unreadable, refused };
  }
  let blob: Blob;
  if (source.kind === 'url') {
    const res = await fetch(source.url, { signal });
    if (!res.ok) throw new SourceProblem(`${source.name} could not be read (HTTP ${res.status})`);
    blob = await res.blob();
  } else {
    blob = source.file;
  }
  const access = blobAccess(blob);
  const zipEntries = await readZipDirectory(access, limits).catch((e: unknown) => {
    // A zip that cannot be listed is a source that cannot be read at all.
    throw e instanceof ZipError ? new SourceProblem(e.message) : e;
  });
  const named: { raw: string; path: string; entry: (typeof zipEntries)[number] }[] = [];
  const rawDirs: string[] = [];
  for (const entry of zipEntries) {
    const path = normalizePath(entry.name);
    if (path === null) {
      refused.push({ path: entry.name, reason: 'the path leaves the zip' });
    } else if (entry.name.endsWith('/')) {
      rawDirs.push(path);
    } else {
      named.push({ raw: entry.name, path, entry });
    }
  }
  const stripped = stripPrefix(named, rawDirs);
  stripped.files.forEach((f, i) => {
    if (sameName(entries, f, refused)) return;
    const entry = named[i]!.entry;
    const problem = entryProblem(entry, limits);
    if (problem !== null) unreadable.set(f.path, problem);
    entries.set(f.path, {
      path: f.path,
      size: entry.size,
      read: () => readZipEntry(access, entry),
    });
  });
  return { entries, dirs: stripped.dirs, unreadable, refused };
}
