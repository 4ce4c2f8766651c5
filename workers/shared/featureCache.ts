/**
 * The feature cache: pooled block features in IndexedDB, keyed by model hash, block, t, pool,
 * seed, noise and item (see `featureKey`). It survives reloads, is bounded in bytes (least
 * recently written entries go first) and can be inspected and cleared.
 */
import type { CacheStats } from '../../src/protocol/model';
import { done, request } from './idb';

const DB_NAME = 'diffprobe-features';
const STORE = 'features';
const VERSION = 1;

interface Entry {
  key: string;
  data: Float32Array;
  dims: number[];
  bytes: number;
  written: number;
}

export class FeatureCache {
  private db: Promise<IDBDatabase> | null = null;
  private bytes = -1;

  constructor(readonly limitBytes = 512 * 1024 * 1024) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: 'key' });
        store.createIndex('written', 'written');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB is unavailable'));
    });
    return this.db;
  }

  /** The cached tensors for `keys` (undefined where missing). */
  async getMany(
    keys: readonly string[],
  ): Promise<({ data: Float32Array; dims: number[] } | undefined)[]> {
    if (!keys.length) return [];
    const db = await this.open();
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    const found = await Promise.all(
      keys.map((k) => request(store.get(k) as IDBRequest<Entry | undefined>)),
    );
    return found.map((e) => (e ? { data: e.data, dims: e.dims } : undefined));
  }

  async putMany(
    entries: readonly { key: string; data: Float32Array; dims: number[] }[],
  ): Promise<void> {
    if (!entries.length) return;
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const now = Date.now();
    let added = 0;
    for (const e of entries) {
      added += e.data.byteLength;
      store.put({ ...e, bytes: e.data.byteLength, written: now } satisfies Entry);
    }
    await done(tx);
    if (this.bytes >= 0) this.bytes += added;
    if ((await this.totalBytes()) > this.limitBytes) await this.evict();
  }

  private async totalBytes(): Promise<number> {
    if (this.bytes >= 0) return this.bytes;
    this.bytes = (await this.stats()).bytes;
    return this.bytes;
  }

  /** Drops the oldest entries until the cache holds at most 90% of its limit. */
  private async evict(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    const index = tx.objectStore(STORE).index('written');
    let total = await this.totalBytes();
    const target = this.limitBytes * 0.9;
    await new Promise<void>((resolve, reject) => {
      const cursorReq = index.openCursor();
      cursorReq.onerror = () => reject(cursorReq.error);
      cursorReq.onsuccess = () => {
        const cursor = cursorReq.result;
        if (!cursor || total <= target) return resolve();
        total -= (cursor.value as Entry).bytes;
        cursor.delete();
        cursor.continue();
      };
    });
    await done(tx);
    this.bytes = total;
  }

  async stats(): Promise<CacheStats> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readonly');
    let bytes = 0;
    let entries = 0;
    await new Promise<void>((resolve, reject) => {
      const cursorReq = tx.objectStore(STORE).index('written').openCursor();
      cursorReq.onerror = () => reject(cursorReq.error);
      cursorReq.onsuccess = () => {
        const cursor = cursorReq.result;
        if (!cursor) return resolve();
        bytes += (cursor.value as Entry).bytes;
        entries += 1;
        cursor.continue();
      };
    });
    this.bytes = bytes;
    return { entries, bytes, limitBytes: this.limitBytes };
  }

  async clear(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await done(tx);
    this.bytes = 0;
  }
}
