import { unzipSync } from 'fflate';
import type { FeatureItem } from '../core/features/batch';
import { decodePng } from '../core/image/png';
import { prepareImage } from '../core/image/prepare';
import { datasetEngine } from './datasets';

/** One split of a labelled image set, prepared for a model: pixels [C, S, S] in its range. */
export interface LabeledSplit {
  /** `id` is the file's path in the dataset (it keys the noise and the feature cache). */
  items: FeatureItem[];
  /** Class index of each item, into `classes`. */
  labels: number[];
}

/** A labelled image set as heads, sweeps and CKA consume it. */
export interface LabeledImages {
  id: string;
  name: string;
  classes: string[];
  size: number;
  channels: 1 | 3;
  train: LabeledSplit;
  test: LabeledSplit;
}

export const DEMO_DATASET_URL = 'datasets/fashion-mnist-demo.zip';

/** The built-in Fashion-MNIST demo set (train/<class>/n.png, test/<class>/n.png). */
export async function loadDemoDataset(size: number, channels: 1 | 3): Promise<LabeledImages> {
  const res = await fetch(new URL(DEMO_DATASET_URL, location.href));
  if (!res.ok) throw new Error(`the demo dataset could not be read (HTTP ${res.status})`);
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  const paths = Object.keys(files)
    .filter((p) => /^(train|test)\/[^/]+\/[^/]+\.png$/.test(p))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const classes = [...new Set(paths.map((p) => p.split('/')[1]!))].sort();
  const out: LabeledImages = {
    id: 'demo:fashion-mnist',
    name: 'Fashion-MNIST demo',
    classes,
    size,
    channels,
    train: { items: [], labels: [] },
    test: { items: [], labels: [] },
  };
  for (const path of paths) {
    const [split, cls] = path.split('/') as ['train' | 'test', string];
    const x0 = prepareImage(decodePng(files[path]!), { size, channels });
    out[split].items.push({ id: path, x0 });
    out[split].labels.push(classes.indexOf(cls));
  }
  return out;
}

/** Where the selected dataset's id is kept (it survives a reload). */
export const SELECTED_KEY = 'diffprobe.datasets.selected';

/** The id of the stored dataset the user selected, or null for the demo set. */
export function selectedDatasetId(): string | null {
  try {
    return localStorage.getItem(SELECTED_KEY);
  } catch {
    return null;
  }
}

export function setSelectedDatasetId(id: string | null): void {
  try {
    if (id === null) localStorage.removeItem(SELECTED_KEY);
    else localStorage.setItem(SELECTED_KEY, id);
  } catch {
    // storage disabled: the selection lasts for this page only
  }
  memorySelection = id;
}

let memorySelection: string | null | undefined;

/** A stored dataset prepared for a model, as heads and CKA consume it. */
export async function loadStoredDataset(
  id: string,
  size: number,
  channels: 1 | 3,
): Promise<LabeledImages> {
  const prepared = await datasetEngine.prepare(id, size, channels);
  const per = channels * size * size;
  const out: LabeledImages = {
    id: `stored:${id}`,
    name: prepared.meta.name,
    classes: prepared.classes,
    size,
    channels,
    train: { items: [], labels: [] },
    test: { items: [], labels: [] },
  };
  prepared.ids.forEach((itemId, i) => {
    const split = prepared.test[i] ? out.test : out.train;
    split.items.push({ id: itemId, x0: prepared.x.subarray(i * per, (i + 1) * per) });
    split.labels.push(prepared.labels[i]!);
  });
  return out;
}

/**
 * The dataset the user has selected (from IndexedDB: renamed and left-out classes and the
 * split honoured), prepared for a model of `size` and `channels`. The built-in demo set until
 * the user picks one, or when the selected one cannot be read (it was deleted).
 */
export async function currentDataset(size: number, channels: 1 | 3): Promise<LabeledImages> {
  const id = memorySelection === undefined ? selectedDatasetId() : memorySelection;
  if (id !== null) {
    try {
      return await loadStoredDataset(id, size, channels);
    } catch (e) {
      console.warn(`the selected dataset could not be read; using the demo set`, e);
    }
  }
  return loadDemoDataset(size, channels);
}

/** For the browser console and tests: `diffprobeDatasets.currentDataset(32, 1)`. */
(globalThis as { diffprobeDatasets?: unknown }).diffprobeDatasets = {
  currentDataset,
  selectedDatasetId,
};
