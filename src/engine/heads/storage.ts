import { parseHead, serializeHead } from '../../core/heads/format';
import type { TrainedHead } from '../../core/heads/format';

const DB_NAME = 'diffprobe-heads';
const STORE = 'heads';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('the heads storage could not be opened'));
  });
}

function request<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = run(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          reject(tx.error ?? new Error('the heads storage failed'));
        };
      }),
  );
}

/** Trained heads kept in the browser (IndexedDB), each as its export file's text. */
export const headsStorage = {
  async put(head: TrainedHead): Promise<void> {
    await request('readwrite', (s) => s.put(serializeHead(head), head.id));
  },
  async get(id: string): Promise<TrainedHead | null> {
    const text = await request<unknown>('readonly', (s) => s.get(id));
    return typeof text === 'string' ? parseHead(text) : null;
  },
  /** Every stored head; unreadable entries are skipped (and reported through `onBad`). */
  async list(onBad?: (id: string, why: string) => void): Promise<TrainedHead[]> {
    const [keys, values] = await Promise.all([
      request<IDBValidKey[]>('readonly', (s) => s.getAllKeys()),
      request<unknown[]>('readonly', (s) => s.getAll()),
    ]);
    const out: TrainedHead[] = [];
    values.forEach((v, i) => {
      try {
        out.push(parseHead(String(v)));
      } catch (e) {
        onBad?.(String(keys[i]), (e as Error).message);
      }
    });
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  },
  async remove(id: string): Promise<void> {
    await request('readwrite', (s) => s.delete(id));
  },
};
