import { unzipSync } from 'fflate';
import type { FeatureItem } from '../core/features/batch';
import { decodePng } from '../core/image/png';
import { prepareImage } from '../core/image/prepare';

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

/**
 * The dataset the user has selected, prepared for a model of `size` and `channels`.
 * Until the user picks one, the built-in demo set.
 */
export function currentDataset(size: number, channels: 1 | 3): Promise<LabeledImages> {
  return loadDemoDataset(size, channels);
}
