import { WorkerFailure } from '../../src/protocol/errors';
import { validateManifest } from '../../src/core/manifest/validate';
import type { ModelManifest } from '../../src/core/manifest/types';
import type { LoadProgress, ModelSource, PickedFile } from '../../src/protocol/model';
import { fetchBytes } from '../shared/fetch';
import { sha256Hex } from '../shared/sha256';

async function bytesOf(f: PickedFile): Promise<Uint8Array> {
  if (f.bytes instanceof ArrayBuffer) return new Uint8Array(f.bytes);
  try {
    return new Uint8Array(await f.bytes.arrayBuffer());
  } catch (err) {
    throw new ModelSourceError(
      'model-load',
      `${f.name} could not be read (${(err as Error).message}); was it moved or deleted? Pick it again.`,
    );
  }
}

/** A weights file the graph refers to by `path` (its external data location). */
export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

export interface ModelFiles {
  manifest: ModelManifest | null;
  model: Uint8Array;
  /** The model's identity: the graph's sha256, or with external data the hash of all files'. */
  sha256: string;
  name: string;
  externalData: ExternalDataFile[];
  /** The manifest's image → latent encoder (latent diffusion), checked against its sha256. */
  encoder?: Uint8Array;
}

/** A model that failed to load, with the reason in the user's words (its kind crosses to the page). */
export class ModelSourceError extends WorkerFailure {
  constructor(kind: 'manifest' | 'model-integrity' | 'model-load', message: string) {
    super(kind, message);
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

async function verifyExternal(
  manifest: ModelManifest,
  file: string,
  data: Uint8Array,
): Promise<string> {
  const entry = manifest.externalData?.find((e) => e.file === file);
  const sha256 = await sha256Hex(data);
  if (entry && (entry.sha256 !== sha256 || entry.bytes !== data.byteLength)) {
    throw new ModelSourceError(
      'model-integrity',
      `${file} does not match its manifest (${data.byteLength} bytes, sha256 ${sha256.slice(0, 12)}…; expected ${entry.bytes} bytes, ${entry.sha256.slice(0, 12)}…). It was not run.`,
    );
  }
  return sha256;
}

/** The encoder a manifest names, checked like the model (sha256 and size). */
async function verifyEncoder(manifest: ModelManifest, data: Uint8Array): Promise<Uint8Array> {
  const e = manifest.encoder!;
  const sha256 = await sha256Hex(data);
  if (e.sha256 !== sha256 || e.bytes !== data.byteLength) {
    throw new ModelSourceError(
      'model-integrity',
      `${e.file} (the encoder) does not match its manifest (${data.byteLength} bytes, sha256 ${sha256.slice(0, 12)}…; expected ${e.bytes} bytes, ${e.sha256.slice(0, 12)}…). It was not run.`,
    );
  }
  return data;
}

/** One identity for a graph and its weights files (a graph alone keeps its own sha256). */
async function identity(graphSha: string, dataShas: string[]): Promise<string> {
  if (!dataShas.length) return graphSha;
  return sha256Hex(new TextEncoder().encode([graphSha, ...dataShas].join('\n')));
}

function baseName(name: string): string {
  return name.split(/[\\/]/).pop() ?? name;
}

/** Reads the manifest and model bytes, and checks the model against the manifest's sha256. */
export async function readModel(
  source: ModelSource,
  signal: AbortSignal,
  progress: (p: LoadProgress) => void,
  /** Runs on the manifest before any weights are read or hashed (to refuse a model early). */
  onManifest: (manifest: ModelManifest) => void = () => undefined,
): Promise<ModelFiles> {
  if (source.kind === 'onnx-url') {
    const model = await fetchBytes(source.url, signal, progress);
    const name = source.url.split('/').pop() ?? source.url;
    return { manifest: null, model, sha256: await sha256Hex(model), name, externalData: [] };
  }
  if (source.kind === 'folder') {
    const base = source.base.endsWith('/') ? source.base : `${source.base}/`;
    const res = await fetch(`${base}manifest.json`, { signal });
    if (!res.ok)
      throw new ModelSourceError('manifest', `No manifest.json at ${base} (HTTP ${res.status}).`);
    const manifest = parseManifest(await res.text());
    onManifest(manifest);
    const model = await fetchBytes(`${base}${manifest.file}`, signal, progress);
    progress({
      loaded: model.byteLength,
      total: model.byteLength,
      stage: 'verify',
      file: manifest.file,
    });
    const sha256 = await verify(manifest, model, manifest.file);
    const externalData: ExternalDataFile[] = [];
    const shas: string[] = [];
    for (const e of manifest.externalData ?? []) {
      const data = await fetchBytes(`${base}${e.file}`, signal, progress);
      progress({ loaded: data.byteLength, total: data.byteLength, stage: 'verify', file: e.file });
      shas.push(await verifyExternal(manifest, e.file, data));
      externalData.push({ path: e.file, data });
    }
    const encoder = manifest.encoder
      ? await verifyEncoder(
          manifest,
          await fetchBytes(`${base}${manifest.encoder.file}`, signal, progress),
        )
      : undefined;
    return {
      manifest,
      model,
      sha256: await identity(sha256, encoder ? [...shas, manifest.encoder!.sha256] : shas),
      name: manifest.file,
      externalData,
      ...(encoder ? { encoder } : {}),
    };
  }
  // A latent model's encoder is a second .onnx, named in its manifest.
  const encoderName = await pickedEncoderName(source.files);
  const onnx = source.files.filter(
    (f) => f.name.toLowerCase().endsWith('.onnx') && baseName(f.name) !== encoderName,
  );
  if (onnx.length !== 1) {
    throw new ModelSourceError(
      'model-load',
      onnx.length ? 'Pick one .onnx file at a time.' : 'No .onnx file among the picked files.',
    );
  }
  const file = onnx[0]!;
  const manifestFile = source.files.find((f) => f.name.toLowerCase().endsWith('manifest.json'));
  const manifest = manifestFile
    ? parseManifest(new TextDecoder().decode(await bytesOf(manifestFile)))
    : null;
  if (manifest) onManifest(manifest);
  const model = await bytesOf(file);
  const sha256 = await verify(manifest, model, file.name);
  const byName = new Map(source.files.map((f) => [baseName(f.name), f]));
  const externalData: ExternalDataFile[] = [];
  const shas: string[] = [];
  if (manifest?.externalData?.length) {
    const missing = manifest.externalData.filter((e) => !byName.has(e.file)).map((e) => e.file);
    if (missing.length) {
      throw new ModelSourceError(
        'model-load',
        `${file.name} keeps its weights in ${missing.join(', ')} (listed in manifest.json), which was not picked. Pick it together with the .onnx and manifest.json, or drop the whole folder.`,
      );
    }
    for (const e of manifest.externalData) {
      const data = await bytesOf(byName.get(e.file)!);
      shas.push(await verifyExternal(manifest, e.file, data));
      externalData.push({ path: e.file, data });
    }
  } else if (!manifest) {
    // Without a manifest, other picked files are offered as the graph's external data by name.
    for (const f of source.files) {
      const n = baseName(f.name);
      if (f === file || n.toLowerCase().endsWith('.json')) continue;
      const data = await bytesOf(f);
      shas.push(await sha256Hex(data));
      externalData.push({ path: n, data });
    }
  }
  let encoder: Uint8Array | undefined;
  if (manifest?.encoder) {
    const f = byName.get(manifest.encoder.file);
    if (!f) {
      throw new ModelSourceError(
        'model-load',
        `${file.name} takes latents from the encoder ${manifest.encoder.file} (named in manifest.json), which was not picked. Pick it too, or drop the whole folder.`,
      );
    }
    encoder = await verifyEncoder(manifest, await bytesOf(f));
    shas.push(manifest.encoder.sha256);
  }
  return {
    manifest,
    model,
    sha256: await identity(sha256, shas),
    name: file.name,
    externalData,
    ...(encoder ? { encoder } : {}),
  };
}

/** The encoder file a picked manifest names, if any (an unreadable manifest is left to later). */
async function pickedEncoderName(files: PickedFile[]): Promise<string | undefined> {
  const m = files.find((f) => f.name.toLowerCase().endsWith('manifest.json'));
  if (!m) return undefined;
  try {
    const json = JSON.parse(new TextDecoder().decode(await bytesOf(m))) as {
      encoder?: { file?: unknown };
    };
    return typeof json.encoder?.file === 'string' ? json.encoder.file : undefined;
  } catch {
    return undefined;
  }
}
