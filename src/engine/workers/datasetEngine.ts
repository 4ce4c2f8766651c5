/**
 * The main-thread side of the datasets worker: import with progress and a cancel that keeps
 * what was stored, the stored list, edits, preparing a set for a model. A full disk or a source
 * that cannot be read arrives as its own error class (DatasetQuotaError, DatasetSourceError).
 */
import type { PreparedImages } from '../../core/datasets/demoZip';
import type {
  ClassThumbnails,
  DatasetList,
  DatasetMeta,
  DatasetPatch,
  ImportOptions,
  ImportProgress,
  ImportResult,
  ImportSource,
  PreparedDataset,
} from '../../protocol/datasets';
import type { DatasetApi } from '../../../workers/dataset.worker';
import type { WorkerBridge } from './bridge';
import { createDatasetBridge } from './create';

export interface RunningImport {
  result: Promise<ImportResult>;
  /** Stops after the current batch; `result` then resolves with what was stored. */
  cancel(): void;
}

export function createDatasetEngine(bridge: WorkerBridge<DatasetApi>) {
  return {
    import(
      source: ImportSource,
      options: ImportOptions,
      onProgress: (p: ImportProgress) => void,
    ): RunningImport {
      let jobId: string | null = null;
      let cancelled = false;
      const result = bridge.call<ImportResult, ImportProgress>(
        (api, ctx) => {
          jobId = ctx.jobId;
          if (cancelled) void api.cancel(ctx.jobId);
          return api.importDataset(ctx.jobId, source, options, ctx.progress);
        },
        { onProgress },
      );
      return {
        result,
        cancel: () => {
          cancelled = true;
          const id = jobId;
          if (id !== null) void bridge.call((api) => api.cancel(id));
        },
      };
    },

    list(): Promise<DatasetList> {
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
}

export type DatasetEngine = ReturnType<typeof createDatasetEngine>;

/** The app's datasets worker (started on first use, stopped after a minute idle). */
export const datasetEngine: DatasetEngine = createDatasetEngine(createDatasetBridge());
