import type { PreparedImages } from '../../core/datasets/demoZip';
import type { FeatureItem } from '../../core/features/batch';
import { DEMO_DATASET, storedDatasetId } from '../../core/sweep/datasetRef';
import { datasetEngine } from '../workers/datasetEngine';

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

/** The demo set prepared for each (size, channels) asked for (12 MB at 32×32 grey). */
const demoCache = new Map<string, Promise<LabeledImages>>();

/**
 * The built-in Fashion-MNIST demo set (train/<class>/n.png, test/<class>/n.png), decoded and
 * prepared in the datasets worker, once per (size, channels).
 */
export function loadDemoDataset(size: number, channels: 1 | 3): Promise<LabeledImages> {
  const key = `${size}:${channels}`;
  let p = demoCache.get(key);
  if (!p) {
    p = readDemo(size, channels);
    demoCache.set(key, p);
    p.catch(() => demoCache.delete(key));
  }
  return p;
}

async function readDemo(size: number, channels: 1 | 3): Promise<LabeledImages> {
  const url = new URL(DEMO_DATASET_URL, location.href).href;
  const demo = await datasetEngine.demo(url, size, channels);
  return labeled(DEMO_DATASET.id, DEMO_DATASET.name, demo, size, channels);
}

/** The worker's flat prepared images as train and test splits (views of one buffer). */
function labeled(
  id: string,
  name: string,
  p: PreparedImages,
  size: number,
  channels: 1 | 3,
): LabeledImages {
  const per = channels * size * size;
  const out: LabeledImages = {
    id,
    name,
    classes: p.classes,
    size,
    channels,
    train: { items: [], labels: [] },
    test: { items: [], labels: [] },
  };
  p.ids.forEach((itemId, i) => {
    const split = p.test[i] ? out.test : out.train;
    split.items.push({
      id: itemId,
      x0: p.x.subarray(i * per, (i + 1) * per),
      label: p.labels[i]!,
    });
    split.labels.push(p.labels[i]!);
  });
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
  return labeled(storedDatasetId(id), prepared.meta.name, prepared, size, channels);
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
export function installDatasetsConsole(): void {
  (globalThis as { diffprobeDatasets?: unknown }).diffprobeDatasets = {
    currentDataset,
    selectedDatasetId,
  };
}
