/**
 * The default model's pooled block features for the demo set's train and test images, made with
 * the CLI's extract (onnxruntime-node) and cached under node_modules/.cache: the "same features"
 * that the heads parity test and the heads bench give to tfjs and to PyTorch.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extract } from '../cli/commands/extract';
import { encodeNpy, parseNpy } from '../src/core/npy';

export const ROOT = resolve(import.meta.dirname, '..');
const MODEL = join(ROOT, 'public/models/fmnist-adm-s');
const ZIP = join(ROOT, 'public/datasets/fashion-mnist-demo.zip');

export interface FeatureSplit {
  x: Float32Array;
  y: Int32Array;
  d: number;
}

export async function demoFeatures(
  block: number,
  t: number,
  pool: number,
  split: 'train' | 'test',
): Promise<FeatureSplit> {
  const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8')) as {
    sha256: string;
  };
  const key = `${manifest.sha256.slice(0, 12)}-b${block}-t${t}-p${pool}`;
  const dir = join(ROOT, 'node_modules/.cache/diffprobe-heads', key, split);
  if (!existsSync(join(dir, 'index.json'))) {
    mkdirSync(dir, { recursive: true });
    await extract({
      model: MODEL,
      images: ZIP,
      out: dir,
      t,
      blocks: [block],
      pool,
      seed: 0,
      noise: 'seeded',
      batch: 32,
      split,
      fit: 'crop',
      threads: 2,
    });
  }
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { labels: number[] };
  // A plain Uint8Array: parseNpy slices, and a Node Buffer's slice is a view of the whole file.
  const npy = parseNpy(new Uint8Array(readFileSync(join(dir, `block_${block}.npy`))));
  const d = npy.shape.slice(1).reduce((a, b) => a * b, 1);
  return { x: (npy.data as Float32Array).slice(), y: Int32Array.from(index.labels), d };
}

/** trainX/trainY/testX/testY.npy for tools/diffprobe_tools/heads_torch.py. */
export function writeHeadsNpy(dir: string, train: FeatureSplit, test: FeatureSplit): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trainX.npy'), encodeNpy(train.x, [train.y.length, train.d]));
  writeFileSync(join(dir, 'trainY.npy'), encodeNpy(train.y, [train.y.length]));
  writeFileSync(join(dir, 'testX.npy'), encodeNpy(test.x, [test.y.length, test.d]));
  writeFileSync(join(dir, 'testY.npy'), encodeNpy(test.y, [test.y.length]));
}

export function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}
