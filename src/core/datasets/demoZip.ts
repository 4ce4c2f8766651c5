/**
 * The built-in demo set's zip (train/<class>/n.png, test/<class>/n.png) decoded and prepared for
 * a model: pixels [N, C, S, S] in [−1, 1], labels and split, in path order. Pure: the dataset
 * worker runs it, so the page never decodes the 3,000 PNGs itself.
 */
import { unzipSync } from 'fflate';
import { decodePng } from '../image/png';
import { prepareImage } from '../image/prepare';

/** Images prepared for a model, flattened: what the datasets worker hands the page. */
export interface PreparedImages {
  /** Class names; labels index into it. */
  classes: string[];
  /** Each image's id (its path in the dataset: it keys the noise and the feature cache). */
  ids: string[];
  labels: Int32Array;
  /** 1 for test, 0 for train. */
  test: Uint8Array;
  /** [N, C, S, S] in [−1, 1]. */
  x: Float32Array;
}

const IMAGE_PATH = /^(train|test)\/[^/]+\/[^/]+\.png$/;

export function readDemoZip(zip: Uint8Array, size: number, channels: 1 | 3): PreparedImages {
  const files = unzipSync(zip, { filter: (f) => IMAGE_PATH.test(f.name) });
  const ids = Object.keys(files).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (ids.length === 0) throw new Error('the demo dataset holds no train/ or test/ images');
  const classes = [...new Set(ids.map((p) => p.split('/')[1]!))].sort();
  const per = channels * size * size;
  const x = new Float32Array(ids.length * per);
  const labels = new Int32Array(ids.length);
  const test = new Uint8Array(ids.length);
  ids.forEach((path, i) => {
    const [split, cls] = path.split('/') as ['train' | 'test', string];
    x.set(prepareImage(decodePng(files[path]!), { size, channels }), i * per);
    labels[i] = classes.indexOf(cls);
    test[i] = split === 'test' ? 1 : 0;
  });
  return { classes, ids, labels, test, x };
}
