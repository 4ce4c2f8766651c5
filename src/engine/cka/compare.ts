/**
 * The model a CKA matrix compares the U-Net with: a shipped one or files the user opened, on a
 * second engine of its own (its manifest says whether it has a classifier's layers or a
 * diffusion U-Net's blocks).
 */
import type { ModelManifest } from '../../core/manifest/types';
import type { ModelSource } from '../../protocol/model';
import type { CompareModel } from '../../store/slices/cka';
import { createUnetBridge } from '../workers/create';
import { defaultConditioning } from '../../core/conditioning/conditioning';
import { UnetEngine } from '../workers/unetEngine';

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
  const engine = compared?.engine ?? new UnetEngine(createUnetBridge());
  const manifest = engine.load(source).then((s) => {
    if (!s.manifest)
      throw new Error(`${s.name} has no manifest: open its manifest.json with the .onnx file.`);
    // A conditional model to compare with runs with class 0 and zero context.
    const cond = defaultConditioning(s.manifest);
    engine.conditioning = () => cond;
    return s.manifest;
  });
  const entry = { key, engine, manifest };
  manifest.catch(() => {
    if (compared === entry) compared = { ...entry, key: '' };
  });
  compared = entry;
  return entry;
}
