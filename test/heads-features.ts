/**
 * The default model's pooled block features for the demo set's train and test images, made with
 * the CLI's extract (onnxruntime-node) and cached under node_modules/.cache: the "same features"
 * that the heads parity test and the heads bench give to tfjs and to PyTorch. The cache is keyed
 * on what made them: the model and image files, and the extract code with all it imports.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extract } from '../cli/commands/extract';
import { encodeNpy, parseNpy } from '../src/core/npy';
import { producerHash } from './sourceHash';

export const ROOT = resolve(import.meta.dirname, '..');
const MODEL = 'public/models/fmnist-adm-s';
const ZIP = 'public/datasets/fashion-mnist-demo.zip';

let producer: string | undefined;
/**
 * The cache folder's name for these features: a hash of what made them (this file with the
 * extract code it imports, transitively, and the model and image files) and the settings.
 */
export function featuresKey(block: number, t: number, pool: number): string {
  producer ??= producerHash(ROOT, 'test/heads-features.ts', [
    `${MODEL}/manifest.json`,
    `${MODEL}/model.onnx`,
    ZIP,
  ]);
  return `${producer.slice(0, 16)}-b${block}-t${t}-p${pool}`;
}

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
  const dir = join(ROOT, 'node_modules/.cache/diffprobe-heads', featuresKey(block, t, pool), split);
  if (!existsSync(join(dir, 'index.json'))) {
    mkdirSync(dir, { recursive: true });
    await extract({
      model: join(ROOT, MODEL),
      images: join(ROOT, ZIP),
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
