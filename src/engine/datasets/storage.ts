import type { StorageInfo } from '../../protocol/datasets';

/** Storage use of this origin (datasets, models, feature cache together). */
export async function storageInfo(): Promise<StorageInfo> {
  try {
    const { usage, quota } = await navigator.storage.estimate();
    return { usage: usage ?? null, quota: quota ?? null };
  } catch {
    return { usage: null, quota: null };
  }
}

/** Asks the browser to keep this origin's data under storage pressure; true if granted. */
export async function requestPersistence(): Promise<boolean> {
  try {
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}

/** Whether the browser keeps this origin's data under pressure (null: it cannot say). */
export async function isPersisted(): Promise<boolean | null> {
  try {
    return await navigator.storage.persisted();
  } catch {
    return null;
  }
}
