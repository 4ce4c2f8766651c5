/**
 * What produced a cached result, as a hash: the source files a module runs (it and everything it
 * imports by relative path, transitively) and the data files it read. A change to any of them
 * changes the hash, so a cache keyed on it is never read for code or data it was not made by.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const RELATIVE_IMPORT =
  /(?:\bfrom\s+|\bimport\s*\(?\s*|\bexport\s+\*\s+from\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.js', '.mjs', '/index.ts', '/index.js'];

function resolveImport(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const ext of EXTENSIONS) {
    const p = base + ext;
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  throw new Error(`${from}: cannot resolve the import ${spec}`);
}

/** `entry` and every file it imports by relative path, transitively; sorted absolute paths. */
export function sourceClosure(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      queue.push(resolveImport(file, m[1]!));
    }
  }
  return [...seen].sort();
}

/** sha256 (hex) of the files' paths relative to `root` and their bytes. */
export function hashFiles(root: string, files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort()) {
    h.update(relative(root, f).split('\\').join('/') + '\0');
    const bytes = readFileSync(f);
    h.update(`${bytes.length}\0`);
    h.update(bytes);
  }
  return h.digest('hex');
}

/** The hash of a module's source closure and of the data files it read (paths under `root`). */
export function producerHash(root: string, entry: string, data: readonly string[] = []): string {
  return hashFiles(root, [...sourceClosure(join(root, entry)), ...data.map((d) => join(root, d))]);
}
