/** What crosses the datasets worker's boundary: import sources and progress, stored datasets. */
import type { PreparedImages } from '../core/datasets/demoZip';
import type { SkippedFile } from '../core/datasets/layout';
import type { SkippedRecord } from '../core/datasets/storedRecord';
import type { ImportLimits } from '../core/datasets/limits';
import type { SplitOptions } from '../core/datasets/split';
import type { FitMode } from '../core/image/prepare';

/** Where a dataset comes from. Files are handed over as handles: nothing is read up front. */
export type ImportSource =
  | {
      kind: 'files';
      /** 'folder' for a dropped or picked folder; 'webcam' for captured frames. */
      origin: 'folder' | 'webcam';
      name: string;
      files: { path: string; file: Blob }[];
      /** Folders seen while walking a drop (so empty class folders can be reported). */
      dirs?: string[];
      /** Files the browser could not hand over (listed as skipped, with the reason). */
      unreadable?: { path: string; reason: string }[];
    }
  | { kind: 'zip'; name: string; file: Blob }
  | { kind: 'url'; name: string; url: string };

export interface ImportOptions {
  /** The model's image size and channels: images are stored prepared for them. */
  size: number;
  channels: 1 | 3;
  fit: FitMode;
  split: SplitOptions;
  /** Items per IndexedDB transaction. */
  batchSize?: number;
  /** The id of a partial dataset to complete from the same source (files stored are skipped). */
  resume?: string;
  limits?: Partial<ImportLimits>;
}

export interface DatasetClass {
  /** The name shown and used (the user may rename it). */
  name: string;
  /** The folder it came from. */
  folder: string;
  /** False when the user left the class out. */
  included: boolean;
  count: number;
}

export type DatasetStatus = 'importing' | 'complete' | 'cancelled' | 'failed';

/** Everything about a stored dataset except its pixels. */
export interface DatasetMeta {
  id: string;
  name: string;
  origin: 'folder' | 'zip' | 'demo' | 'webcam';
  createdAt: number;
  /** Stored pixels: uint8 planes [channels, size, size], the fit already applied. */
  size: number;
  channels: 1 | 3;
  fit: FitMode;
  classes: DatasetClass[];
  /** True when the source had train/ and test/: its split is kept. */
  ownSplit: boolean;
  split: SplitOptions;
  /** Images stored. */
  count: number;
  /** Files in the source that are images in class folders (what a full import stores at most). */
  total: number;
  /** Bytes of stored pixels. */
  bytes: number;
  skipped: SkippedFile[];
  skippedCount: number;
  duplicates: { path: string; of: string }[];
  /** All duplicates (the list keeps the first ones). */
  duplicateCount: number;
  emptyClasses: string[];
  status: DatasetStatus;
  /** Why an import stopped early (cancelled, quota, …). */
  note: string | null;
}

/** The stored datasets, and the records that could not be read (corrupted, or unknown). */
export interface DatasetList {
  datasets: DatasetMeta[];
  skipped: SkippedRecord[];
}

/** What the user may change about a stored dataset. */
export type DatasetPatch = Partial<Pick<DatasetMeta, 'name' | 'classes' | 'split'>>;

export interface ImportProgress {
  phase: 'listing' | 'importing' | 'done';
  done: number;
  total: number;
  skipped: number;
  duplicates: number;
  /** Images per second so far, and the time left at that rate (null before the first batch). */
  rate: number | null;
  secondsLeft: number | null;
}

export interface ImportResult {
  meta: DatasetMeta;
  cancelled: boolean;
  /** Wall time of the import in ms (for the bench). */
  ms: number;
}

/** A stored dataset prepared for a model: every included item (classes: the included ones). */
export interface PreparedDataset extends PreparedImages {
  meta: DatasetMeta;
}

/** Some stored images of each class, for the dataset view. */
export interface ClassThumbnails {
  size: number;
  channels: 1 | 3;
  /** Per class (in meta order): the ids and pixels of its first few items. */
  classes: { ids: string[]; pixels: Uint8Array[] }[];
}

export interface StorageInfo {
  usage: number | null;
  quota: number | null;
}
