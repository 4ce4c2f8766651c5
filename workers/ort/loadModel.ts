import { validateManifest } from '../../src/core/manifest/validate';
import type { ModelManifest } from '../../src/core/manifest/types';
import type { DownloadProgress } from '../shared/fetch';
import { fetchBytes } from '../shared/fetch';
import { sha256Hex } from '../shared/sha256';

/**
 * Where a model comes from: a folder URL (manifest.json + model file), files the user picked
 * (an .onnx with or without its manifest), or a raw graph URL run as it is (the system check).
 */
export type ModelSource =
  | { kind: 'folder'; base: string }
  | { kind: 'onnx-url'; url: string }
  | { kind: 'files'; files: { name: string; bytes: ArrayBuffer }[] };

export interface ModelFiles {
  manifest: ModelManifest | null;
  model: Uint8Array;
  sha256: string;
  name: string;
}

const ERROR_NAMES = {
  manifest: 'ManifestError',
  'model-integrity': 'ModelIntegrityError',
  'model-load': 'ModelLoadError',
} as const;

/** A model that failed to load, with the reason in the user's words. */
export class ModelSourceError extends Error {
  readonly code: string;
  constructor(code: 'manifest' | 'model-integrity' | 'model-load', message: string) {
    super(message);
    // The name survives the worker boundary; the main thread restores the typed error by it.
    this.name = ERROR_NAMES[code];
    this.code = code;
  }
}

function parseManifest(text: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelSourceError('manifest', 'manifest.json is not valid JSON.');
  }
  const result = validateManifest(json);
  if (!result.ok) {
    throw new ModelSourceError(
      'manifest',
      `The model manifest is not valid: ${result.errors.slice(0, 3).join('; ')}.`,
    );
  }
  return result.manifest;
}

async function verify(manifest: ModelManifest | null, model: Uint8Array, name: string) {
  const sha256 = await sha256Hex(model);
  if (manifest && manifest.sha256 !== sha256) {
    throw new ModelSourceError(
      'model-integrity',
      `${name} does not match its manifest (sha256 ${sha256.slice(0, 12)}…, expected ${manifest.sha256.slice(0, 12)}…). It was not run.`,
    );
  }
  return sha256;
}

/** Reads the manifest and model bytes, and checks the model against the manifest's sha256. */
export async function readModel(
  source: ModelSource,
  signal: AbortSignal,
  progress: (p: DownloadProgress) => void,
): Promise<ModelFiles> {
  if (source.kind === 'onnx-url') {
    const model = await fetchBytes(source.url, signal, progress);
    const name = source.url.split('/').pop() ?? source.url;
    return { manifest: null, model, sha256: await sha256Hex(model), name };
  }
  if (source.kind === 'folder') {
    const base = source.base.endsWith('/') ? source.base : `${source.base}/`;
    const res = await fetch(`${base}manifest.json`, { signal });
    if (!res.ok)
      throw new ModelSourceError('manifest', `No manifest.json at ${base} (HTTP ${res.status}).`);
    const manifest = parseManifest(await res.text());
    const model = await fetchBytes(`${base}${manifest.file}`, signal, progress);
    progress({
      loaded: model.byteLength,
      total: model.byteLength,
      stage: 'verify',
      file: manifest.file,
    });
    const sha256 = await verify(manifest, model, manifest.file);
    return { manifest, model, sha256, name: manifest.file };
  }
  const onnx = source.files.filter((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (onnx.length !== 1) {
    throw new ModelSourceError(
      'model-load',
      onnx.length ? 'Pick one .onnx file at a time.' : 'No .onnx file among the picked files.',
    );
  }
  const file = onnx[0]!;
  const manifestFile = source.files.find((f) => f.name.toLowerCase().endsWith('manifest.json'));
  const manifest = manifestFile
    ? parseManifest(new TextDecoder().decode(manifestFile.bytes))
    : null;
  const model = new Uint8Array(file.bytes);
  const sha256 = await verify(manifest, model, file.name);
  return { manifest, model, sha256, name: file.name };
}
