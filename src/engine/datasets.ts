/**
 * The main-thread side of the datasets worker: import with progress and a cancel that keeps
 * what was stored, the stored list, edits, and storage use. One typed error per failure the
 * user must understand (a full disk, a source that cannot be read).
 */
import type {
  ClassThumbnails,
  DatasetMeta,
  DatasetPatch,
  ImportOptions,
  ImportProgress,
  ImportResult,
  ImportSource,
  PreparedDataset,
  StorageInfo,
} from '../../workers/dataset.worker';
import type { PreparedImages } from '../core/datasets/demoZip';
import { DiffprobeError } from './errors';
import { createDatasetBridge } from './workers';

/** The browser's storage is full: the message says how full and what was kept. */
export class DatasetQuotaError extends DiffprobeError {
  override readonly name = 'DatasetQuotaError';
  readonly code = 'dataset-quota';
}

/** A source that cannot be read at all (not a zip, too large, too many files, a bomb). */
export class DatasetSourceError extends DiffprobeError {
  override readonly name = 'DatasetSourceError';
  readonly code = 'dataset-source';
}

function typed(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name === 'DatasetQuotaError') return new DatasetQuotaError(err.message);
  if (err.name === 'DatasetSourceError' || err.name === 'ZipError') {
    return new DatasetSourceError(err.message);
  }
  return err;
}

export interface RunningImport {
  result: Promise<ImportResult>;
  /** Stops after the current batch; `result` then resolves with what was stored. */
  cancel(): void;
}

const bridge = createDatasetBridge();

export const datasetEngine = {
  import(
    source: ImportSource,
    options: ImportOptions,
    onProgress: (p: ImportProgress) => void,
  ): RunningImport {
    let jobId: string | null = null;
    let cancelled = false;
    const result = bridge
      .call<ImportResult, ImportProgress>(
        (api, ctx) => {
          jobId = ctx.jobId;
          if (cancelled) void api.cancel(ctx.jobId);
          return api.importDataset(ctx.jobId, source, options, ctx.progress);
        },
        { onProgress },
      )
      .catch((e: unknown) => {
        throw typed(e);
      });
    return {
      result,
      cancel: () => {
        cancelled = true;
        const id = jobId;
        if (id !== null) void bridge.call((api) => api.cancel(id));
      },
    };
  },

  list(): Promise<DatasetMeta[]> {
    return bridge.call((api) => api.list());
  },

  update(id: string, patch: DatasetPatch): Promise<DatasetMeta> {
    return bridge.call((api) => api.update(id, patch));
  },

  remove(id: string): Promise<void> {
    return bridge.call((api) => api.remove(id));
  },

  prepare(id: string, size: number, channels: 1 | 3): Promise<PreparedDataset> {
    return bridge.call((api) => api.prepare(id, size, channels));
  },

  demo(url: string, size: number, channels: 1 | 3): Promise<PreparedImages> {
    return bridge.call((api) => api.demo(url, size, channels));
  },

  thumbnails(id: string, perClass: number): Promise<ClassThumbnails> {
    return bridge.call((api) => api.thumbnails(id, perClass));
  },
};

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
