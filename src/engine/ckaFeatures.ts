/**
 * Features for CKA from the model runtime: every block of a diffusion U-Net from ONE extract
 * call (one forward pass per batch feeds all blocks, through the feature cache), and, on a
 * second engine, the model it is compared with: a classifier's layers (a manifest of kind
 * "classifier": input x only, blocks = layers) from plain forward passes pooled the same way,
 * or another diffusion U-Net's blocks through its own extract.
 */
import type { FeatureItem } from '../core/features/batch';
import type { FeatureRequest } from '../core/features/request';
import type { ModelManifest } from '../core/manifest/types';
import type { CompareModel } from '../store/slices/cka';
import { adaptiveAvgPool2d } from '../core/pool';
import type { ExtractProgress, ModelSource } from '../../workers/unet.worker';
import type { JobOptions } from './bridge';
import type { UnetEngine } from './unetEngine';
import { createUnetBridge } from './workers';
import { UnetEngine as Engine } from './unetEngine';
import { JobCancelledError } from './errors';

/** One representation: n rows (items in order) × d features. */
export interface BlockFeatures {
  block: number;
  data: Float32Array;
  d: number;
}

/** Every requested block's features for `items`, one extract call. */
export async function diffusionFeatures(
  engine: UnetEngine,
  items: FeatureItem[],
  req: FeatureRequest,
  options: JobOptions<ExtractProgress> = {},
): Promise<BlockFeatures[]> {
  const n = items.length;
  const out = new Map<number, BlockFeatures>();
  await engine.extract(
    items,
    req,
    (batch) => {
      for (const [key, t] of Object.entries(batch.blocks)) {
        const block = Number(key);
        const per = t.data.length / t.dims[0]!;
        let f = out.get(block);
        if (!f) {
          f = { block, data: new Float32Array(n * per), d: per };
          out.set(block, f);
        }
        f.data.set(t.data, batch.offset * per);
      }
    },
    options,
  );
  return req.blocks.map((b) => {
    const f = out.get(b);
    if (!f) throw new Error(`the model returned no features for block ${b}`);
    return f;
  });
}

/** Layer features of a classifier, `batchSize` images per forward pass, pooled p×p. */
export async function classifierFeatures(
  engine: UnetEngine,
  manifest: ModelManifest,
  items: FeatureItem[],
  pool: number,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  batchSize = 50,
): Promise<BlockFeatures[]> {
  const n = items.length;
  const { size: S, channels: C } = manifest.image;
  const per = C * S * S;
  const outputs = manifest.blocks.map((b) => b.output);
  const feats = manifest.blocks.map((b) => ({ block: b.index, data: new Float32Array(0), d: 0 }));
  for (let start = 0; start < n; start += batchSize) {
    if (options.signal?.aborted) throw new JobCancelledError('The CKA job');
    const batch = items.slice(start, start + batchSize);
    const x = new Float32Array(batch.length * per);
    batch.forEach((it, i) => x.set(it.x0, i * per));
    const res = await engine.run(
      { [manifest.inputs.x]: { data: x, dims: [batch.length, C, S, S] } },
      outputs,
      options.signal ? { signal: options.signal } : {},
    );
    outputs.forEach((name, k) => {
      const t = res[name];
      if (!t) throw new Error(`the classifier returned no ${name}`);
      let data = t.data;
      if (pool > 0 && t.dims.length === 4) {
        data = adaptiveAvgPool2d(data, t.dims as [number, number, number, number], pool);
      }
      const f = feats[k]!;
      const d = data.length / batch.length;
      if (f.d === 0) {
        f.d = d;
        f.data = new Float32Array(n * d);
      }
      f.data.set(data, start * d);
    });
    options.onProgress?.(Math.min(n, start + batchSize), n);
  }
  return feats;
}

/** Shipped models a U-Net can be compared with (served from public/models/<id>/). */
export const COMPARE_BUILTINS = [
  { id: 'fmnist-resnet-s', title: 'supervised CNN fmnist-resnet-s (built in)' },
  { id: 'fmnist-adm-s', title: 'diffusion U-Net fmnist-adm-s (built in)' },
] as const;

/** The model files the user opened for comparison (kept here: too large for the store). */
let openedFiles: { name: string; files: { name: string; bytes: Blob }[] } | null = null;

/** Keeps the files of a model to compare with; returns the name the settings refer to it by. */
export function keepCompareFiles(files: readonly File[]): string {
  const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (!onnx) throw new Error('Open the model’s .onnx file (with its manifest.json).');
  if (!files.some((f) => f.name.toLowerCase().endsWith('.json')))
    throw new Error(
      `${onnx.name}: open its manifest.json too — a comparison needs the model’s blocks or layers.`,
    );
  // Kept as Files: the compare engine's worker reads them (and again after a restart).
  openedFiles = { name: onnx.name, files: files.map((f) => ({ name: f.name, bytes: f as Blob })) };
  return onnx.name;
}

export function openedCompareName(): string | null {
  return openedFiles?.name ?? null;
}

function sourceOf(choice: CompareModel): { key: string; source: ModelSource } {
  if (choice.kind === 'builtin')
    return {
      key: `builtin:${choice.id}`,
      source: { kind: 'folder', base: `models/${choice.id}/` },
    };
  if (!openedFiles || openedFiles.name !== choice.name)
    throw new Error(`Open ${choice.name} again: its files are not loaded in this tab.`);
  return { key: `files:${choice.name}`, source: { kind: 'files', files: openedFiles.files } };
}

let compared: { key: string; engine: UnetEngine; manifest: Promise<ModelManifest> } | null = null;

/**
 * A second, independent engine holding the model to compare with (loaded when first needed,
 * reloaded when the choice changes). Its manifest says whether its representations are a
 * classifier's layers or a diffusion U-Net's blocks.
 */
export function compareModel(choice: CompareModel): {
  engine: UnetEngine;
  manifest: Promise<ModelManifest>;
} {
  const { key, source } = sourceOf(choice);
  if (compared?.key === key) return compared;
  const engine = compared?.engine ?? new Engine(createUnetBridge());
  const manifest = engine.load(source).then((s) => {
    if (!s.manifest)
      throw new Error(`${s.name} has no manifest: open its manifest.json with the .onnx file.`);
    return s.manifest;
  });
  const entry = { key, engine, manifest };
  manifest.catch(() => {
    if (compared === entry) compared = { ...entry, key: '' };
  });
  compared = entry;
  return entry;
}
