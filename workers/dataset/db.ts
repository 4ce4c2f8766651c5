/**
 * The datasets' IndexedDB: one record per dataset (its meta) and one per image, keyed
 * [dataset, label, id] so a class's first images and a whole dataset are key ranges.
 */
import { WorkerFailure } from '../../src/protocol/errors';
import { checkStoredMeta, type SkippedRecord } from '../../src/core/datasets/storedRecord';
import type { DatasetList, DatasetMeta } from '../../src/protocol/datasets';
import { done, request } from '../shared/idb';

export const DB_NAME = 'diffprobe-datasets';
const VERSION = 1;
const META = 'meta';
const ITEMS = 'items';

export interface StoredItem {
  dataset: string;
  label: number;
  id: string;
  split: 'train' | 'test' | null;
  /** uint8 planes [C, S, S]. */
  pixels: Uint8Array;
}

/** The browser's storage is full (the message says how full and what was kept). */
export class QuotaError extends WorkerFailure {
  constructor(message: string) {
    super('dataset-quota', message);
  }
}

export function isQuotaError(e: unknown): boolean {
  return (
    e instanceof DOMException &&
    (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED')
  );
}

let opening: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(ITEMS)) {
        db.createObjectStore(ITEMS, { keyPath: ['dataset', 'label', 'id'] });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('the datasets database could not be opened'));
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}

function datasetRange(id: string, label?: number): IDBKeyRange {
  return label === undefined
    ? IDBKeyRange.bound([id], [id, []])
    : IDBKeyRange.bound([id, label], [id, label, []]);
}

export async function putMeta(meta: DatasetMeta): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(META, 'readwrite');
  tx.objectStore(META).put(meta);
  await done(tx);
}

/** Writes a batch of items and the dataset's meta in one transaction. */
export async function putBatch(meta: DatasetMeta, items: StoredItem[]): Promise<void> {
  const db = await openDb();
  const tx = db.transaction([META, ITEMS], 'readwrite');
  const store = tx.objectStore(ITEMS);
  for (const item of items) store.put(item);
  tx.objectStore(META).put(meta);
  await done(tx);
}

/** A stored dataset's meta (brought up to date); a corrupted record reads as a failure. */
export async function getMeta(id: string): Promise<DatasetMeta | null> {
  const db = await openDb();
  const raw: unknown = await request(db.transaction(META).objectStore(META).get(id));
  if (raw === undefined) return null;
  const checked = checkStoredMeta(raw);
  if (!checked.ok) throw new Error(`the stored dataset ${id} is corrupted: ${checked.reason}`);
  return checked.meta;
}

/** Every readable dataset record, newest first; corrupted ones are skipped and named. */
export async function listMeta(): Promise<DatasetList> {
  const db = await openDb();
  const store = db.transaction(META).objectStore(META);
  const [keys, values] = await Promise.all([
    request(store.getAllKeys()) as Promise<IDBValidKey[]>,
    request(store.getAll()) as Promise<unknown[]>,
  ]);
  const datasets: DatasetMeta[] = [];
  const skipped: SkippedRecord[] = [];
  values.forEach((v, i) => {
    const checked = checkStoredMeta(v);
    if (checked.ok) datasets.push(checked.meta);
    else skipped.push({ key: String(keys[i]), reason: checked.reason });
  });
  return { datasets: datasets.sort((a, b) => b.createdAt - a.createdAt), skipped };
}

export async function deleteDataset(id: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction([META, ITEMS], 'readwrite');
  tx.objectStore(ITEMS).delete(datasetRange(id));
  tx.objectStore(META).delete(id);
  await done(tx);
}

/** Every stored item of a dataset (ordered by label, then id). */
export async function getItems(id: string): Promise<StoredItem[]> {
  const db = await openDb();
  return (await request(
    db.transaction(ITEMS).objectStore(ITEMS).getAll(datasetRange(id)),
  )) as StoredItem[];
}

/** The paths of a dataset's stored images (their keys only; no pixels are read). */
export async function getItemIds(id: string): Promise<Set<string>> {
  const db = await openDb();
  const keys = (await request(
    db.transaction(ITEMS).objectStore(ITEMS).getAllKeys(datasetRange(id)),
  )) as [string, number, string][];
  return new Set(keys.map((k) => k[2]));
}

/** The first `count` items of one class. */
export async function getClassItems(
  id: string,
  label: number,
  count: number,
): Promise<StoredItem[]> {
  const db = await openDb();
  return (await request(
    db.transaction(ITEMS).objectStore(ITEMS).getAll(datasetRange(id, label), count),
  )) as StoredItem[];
}
