/**
 * Records read back from the datasets' IndexedDB: a record written by an older version (fields
 * added since are missing) is brought up to date; one that is corrupted (wrong types, counts
 * that disagree) is refused with the reason, so the list skips it and says so.
 */
import type { DatasetMeta, DatasetStatus } from '../../protocol/datasets';
import { DEFAULT_SPLIT } from './split';

export type StoredRecordCheck = { ok: true; meta: DatasetMeta } | { ok: false; reason: string };

/** A record the list skipped: its key (its id when it has one) and why. */
export interface SkippedRecord {
  key: string;
  reason: string;
}

const STATUSES: DatasetStatus[] = ['importing', 'complete', 'cancelled', 'failed'];
const ORIGINS: DatasetMeta['origin'][] = ['folder', 'zip', 'demo', 'webcam'];
const FITS = ['crop', 'pad'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** The first problem with a stored dataset record, or its meta (defaults for later fields). */
export function checkStoredMeta(value: unknown): StoredRecordCheck {
  const bad = (reason: string): StoredRecordCheck => ({ ok: false, reason });
  if (!isRecord(value)) return bad('the record is not an object');
  const r = value;
  if (typeof r.id !== 'string' || r.id === '') return bad('it has no id');
  if (typeof r.name !== 'string') return bad('its name is not text');
  if (!count(r.size) || r.size < 1 || r.size > 4096) return bad('its image size is not 1 to 4096');
  if (r.channels !== 1 && r.channels !== 3) return bad('its channels are not 1 or 3');
  if (!Array.isArray(r.classes)) return bad('its classes are not a list');
  const classes: DatasetMeta['classes'] = [];
  for (const [i, c] of r.classes.entries()) {
    if (!isRecord(c) || typeof c.name !== 'string' || !count(c.count))
      return bad(`class ${i + 1} has no name or count`);
    classes.push({
      name: c.name,
      folder: typeof c.folder === 'string' ? c.folder : c.name,
      included: c.included !== false,
      count: c.count,
    });
  }
  if (!count(r.count)) return bad('its image count is not a whole number ≥ 0');
  const sum = classes.reduce((a, c) => a + c.count, 0);
  if (sum !== r.count) return bad(`its classes hold ${sum} images, not ${r.count}`);
  const split = isRecord(r.split) ? r.split : {};
  const seed = count(split.seed) ? split.seed : 0;
  const testFraction =
    typeof split.testFraction === 'number' && split.testFraction >= 0 && split.testFraction <= 1
      ? split.testFraction
      : DEFAULT_SPLIT.testFraction;
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
  const skipped = list<{ path: string; reason: string }>(r.skipped);
  const duplicates = list<{ path: string; of: string }>(r.duplicates);
  const meta: DatasetMeta = {
    id: r.id,
    name: r.name,
    origin: ORIGINS.includes(r.origin as DatasetMeta['origin'])
      ? (r.origin as DatasetMeta['origin'])
      : 'folder',
    createdAt: typeof r.createdAt === 'number' && Number.isFinite(r.createdAt) ? r.createdAt : 0,
    size: r.size,
    channels: r.channels,
    fit: (FITS.includes(r.fit as string) ? r.fit : 'crop') as DatasetMeta['fit'],
    classes,
    ownSplit: r.ownSplit === true,
    split: { seed, testFraction },
    count: r.count,
    total: count(r.total) && r.total >= r.count ? r.total : r.count,
    bytes: count(r.bytes) ? r.bytes : r.count * r.channels * r.size * r.size,
    skipped,
    skippedCount: count(r.skippedCount) ? r.skippedCount : skipped.length,
    duplicates,
    duplicateCount: count(r.duplicateCount) ? r.duplicateCount : duplicates.length,
    emptyClasses: list<string>(r.emptyClasses).filter((s) => typeof s === 'string'),
    status: STATUSES.includes(r.status as DatasetStatus) ? (r.status as DatasetStatus) : 'complete',
    note: typeof r.note === 'string' ? r.note : null,
  };
  return { ok: true, meta };
}

/** Whether a stored image record fits its dataset: a label it has and pixels of its size. */
export function storedItemProblem(
  item: unknown,
  meta: Pick<DatasetMeta, 'size' | 'channels' | 'classes'>,
): string | null {
  if (!isRecord(item)) return 'the record is not an object';
  if (typeof item.id !== 'string') return 'it has no path';
  if (!count(item.label) || item.label >= meta.classes.length) return 'its class is not stored';
  const px = item.pixels;
  const want = meta.channels * meta.size * meta.size;
  if (!(px instanceof Uint8Array)) return 'its pixels are missing';
  if (px.length !== want) return `it holds ${px.length} pixel values, not ${want}`;
  return null;
}
