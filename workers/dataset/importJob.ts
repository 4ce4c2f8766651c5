/**
 * The import pipeline: list the source, sort its files into classes (and splits), then per
 * batch read, hash (duplicates), decode at the model's size and store the batch with the
 * dataset's meta in one IndexedDB transaction. A cancel stops between batches and keeps what
 * is stored; a full disk stops with an explanation and keeps it too.
 */
import { DuplicateIndex, contentHash } from '../../src/core/datasets/duplicates';
import { classify } from '../../src/core/datasets/layout';
import type { SkippedFile } from '../../src/core/datasets/layout';
import { DEFAULT_LIMITS, formatBytes } from '../../src/core/datasets/limits';
import { displayName } from '../../src/core/datasets/names';
import { yieldToEventLoop } from '../shared/jobs';
import { deleteDataset, isQuotaError, putBatch, putMeta, QuotaError } from './db';
import type { StoredItem } from './db';
import { declaredPixels, decodeToPlanes, DecodeProblem, LARGE_PIXELS } from './decode';
import { resumeImport } from './resume';
import { listSource } from './source';
import type { SourceEntry } from './source';
import type {
  DatasetMeta,
  ImportOptions,
  ImportProgress,
  ImportResult,
  ImportSource,
} from '../../src/protocol/datasets';

/** Most skipped files and duplicates listed in a dataset's record (all are counted). */
export const MAX_LISTED = 1000;
/** Images decoded at the same time. */
const CONCURRENCY = 8;

function newId(): string {
  return `ds-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function originOf(source: ImportSource): DatasetMeta['origin'] {
  if (source.kind === 'files') return source.origin;
  return source.kind === 'url' ? 'demo' : 'zip';
}

/** A dataset's record before its source is listed: no classes, nothing stored. */
function blankMeta(source: ImportSource, options: ImportOptions): DatasetMeta {
  return {
    id: newId(),
    name: displayName(source.name),
    origin: originOf(source),
    createdAt: Date.now(),
    size: options.size,
    channels: options.channels,
    fit: options.fit,
    classes: [],
    ownSplit: false,
    split: options.split,
    count: 0,
    total: 0,
    bytes: 0,
    skipped: [],
    skippedCount: 0,
    duplicates: [],
    duplicateCount: 0,
    emptyClasses: [],
    status: 'importing',
    note: null,
  };
}

/** The result of an import cancelled before anything was stored (nothing is kept). */
function nothingKept(source: ImportSource, options: ImportOptions, started: number): ImportResult {
  const meta: DatasetMeta = { ...blankMeta(source, options), status: 'cancelled' };
  return { meta, cancelled: true, ms: performance.now() - started };
}

/** A gate that lets one large image decode at a time (they need their full size once). */
class Gate {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release = (): void => undefined;
    this.tail = new Promise((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

type Outcome =
  | { kind: 'ok'; hash: string; size: number; pixels: Uint8Array }
  | { kind: 'skip'; reason: string; hash?: string; size?: number };

async function estimateText(): Promise<string> {
  try {
    const { usage, quota } = await navigator.storage.estimate();
    if (usage !== undefined && quota !== undefined) {
      return ` (${formatBytes(usage)} of ${formatBytes(quota)} used)`;
    }
  } catch {
    // no estimate in this browser
  }
  return '';
}

export async function runImport(
  source: ImportSource,
  options: ImportOptions,
  signal: AbortSignal,
  progress: (p: ImportProgress) => void,
): Promise<ImportResult> {
  const started = performance.now();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  progress({
    phase: 'listing',
    done: 0,
    total: 0,
    skipped: 0,
    duplicates: 0,
    rate: null,
    secondsLeft: null,
  });
  let listed: Awaited<ReturnType<typeof listSource>>;
  try {
    listed = await listSource(source, limits, signal);
  } catch (e) {
    if (signal.aborted) return nothingKept(source, options, started);
    throw e;
  }
  if (signal.aborted) return nothingKept(source, options, started);
  const layout = classify([...listed.entries.keys()], {
    unreadable: listed.unreadable,
    dirs: listed.dirs,
  });
  const skipped: SkippedFile[] = [...listed.refused, ...layout.skipped];
  let work = layout.items.filter((item) => {
    if (item.label !== null) return true;
    skipped.push({ path: item.path, reason: 'not in a class folder' });
    return false;
  });
  let meta: DatasetMeta = {
    ...blankMeta(source, options),
    classes: layout.classes.map((folder) => ({
      name: displayName(folder),
      folder,
      included: true,
      count: 0,
    })),
    ownSplit: layout.layout === 'split',
    total: work.length,
    skipped: skipped.slice(0, MAX_LISTED),
    skippedCount: skipped.length,
    emptyClasses: layout.emptyClasses,
  };
  if (options.resume) {
    ({ meta, work } = await resumeImport(
      options.resume,
      source.kind === 'zip' ? 'zip' : 'folder',
      layout,
      work,
      skipped,
    ));
  }
  try {
    await putMeta(meta);
  } catch (e) {
    if (!isQuotaError(e)) throw e;
    throw new QuotaError(
      `The browser's storage is full${await estimateText()}: nothing of “${meta.name}” was saved. Delete a dataset you no longer need (or free disk space) and import again.`,
    );
  }
  const dups = new DuplicateIndex();
  const gate = new Gate();
  const target = {
    // A resumed dataset keeps the size and fit it was stored at.
    size: meta.size,
    channels: meta.channels,
    fit: meta.fit,
    maxPixels: limits.maxPixels,
  };
  const process = async (entry: SourceEntry, unreadable: string | undefined): Promise<Outcome> => {
    if (unreadable !== undefined) return { kind: 'skip', reason: unreadable };
    let bytes: Uint8Array;
    try {
      bytes = await entry.read();
    } catch (e) {
      return { kind: 'skip', reason: (e as Error).message || 'the file could not be read' };
    }
    const hash = await contentHash(bytes);
    const decode = () => decodeToPlanes(bytes, target);
    try {
      const large = (declaredPixels(bytes) ?? 0) > LARGE_PIXELS || bytes.length > 32 * 1024 * 1024;
      const pixels = large ? await gate.run(decode) : await decode();
      return { kind: 'ok', hash, size: bytes.length, pixels };
    } catch (e) {
      const reason = e instanceof DecodeProblem ? e.message : 'corrupt or unsupported image';
      return { kind: 'skip', reason, hash, size: bytes.length };
    }
  };
  const batchSize = options.batchSize ?? 128;
  let done = 0;
  let cancelled = false;
  const report = (phase: ImportProgress['phase']): void => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done > 0 ? done / seconds : null;
    progress({
      phase,
      done,
      total: work.length,
      skipped: meta.skippedCount,
      duplicates: meta.duplicateCount,
      rate,
      secondsLeft: rate ? (work.length - done) / rate : null,
    });
  };
  report('importing');
  for (let start = 0; start < work.length; start += batchSize) {
    await yieldToEventLoop();
    if (signal.aborted) {
      cancelled = true;
      break;
    }
    const batch = work.slice(start, start + batchSize);
    const outcomes: Outcome[] = new Array(batch.length);
    let next = 0;
    const runner = async (): Promise<void> => {
      while (next < batch.length) {
        const i = next++;
        const item = batch[i]!;
        outcomes[i] = await process(
          listed.entries.get(item.path)!,
          listed.unreadable.get(item.path),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, runner));
    const stored: StoredItem[] = [];
    batch.forEach((item, i) => {
      const out = outcomes[i]!;
      if (out.hash !== undefined && out.size !== undefined) {
        const first = dups.check(item.path, out.hash, out.size);
        if (first !== null) {
          meta.duplicateCount += 1;
          if (meta.duplicates.length < MAX_LISTED)
            meta.duplicates.push({ path: item.path, of: first });
          return;
        }
      }
      if (out.kind === 'skip') {
        meta.skippedCount += 1;
        if (meta.skipped.length < MAX_LISTED)
          meta.skipped.push({ path: item.path, reason: out.reason });
        return;
      }
      stored.push({
        dataset: meta.id,
        label: item.label!,
        id: item.path,
        split: item.split,
        pixels: out.pixels,
      });
      meta.classes[item.label!]!.count += 1;
      meta.count += 1;
      meta.bytes += out.pixels.byteLength;
    });
    done += batch.length;
    try {
      await putBatch(meta, stored);
    } catch (e) {
      for (const s of stored) {
        meta.classes[s.label]!.count -= 1;
        meta.count -= 1;
        meta.bytes -= s.pixels.byteLength;
      }
      // A failure before any image is stored keeps no empty dataset behind.
      if (meta.count === 0) await deleteDataset(meta.id).catch(() => undefined);
      if (!isQuotaError(e)) throw e;
      if (meta.count === 0)
        throw new QuotaError(
          `The browser's storage is full${await estimateText()}: nothing of “${meta.name}” was saved. Delete a dataset you no longer need (or free disk space) and import again.`,
        );
      meta.status = 'failed';
      meta.note = `storage is full after ${meta.count} images`;
      await putMeta(meta).catch(() => undefined);
      throw new QuotaError(
        `The browser's storage is full${await estimateText()}. ${meta.count.toLocaleString('en')} of ${meta.total.toLocaleString('en')} images of “${meta.name}” were saved and are kept. Delete a dataset you no longer need (or free disk space) and import again.`,
      );
    }
    report('importing');
  }
  if (meta.count === 0) {
    // Nothing was stored (cancelled early, or no file was an image): no empty entry stays.
    await deleteDataset(meta.id);
    return { meta, cancelled, ms: performance.now() - started };
  }
  meta.status = cancelled ? 'cancelled' : 'complete';
  meta.note = cancelled
    ? `cancelled after ${meta.count.toLocaleString('en')} of ${meta.total.toLocaleString('en')} images`
    : null;
  await putMeta(meta);
  report('done');
  return { meta, cancelled, ms: performance.now() - started };
}
