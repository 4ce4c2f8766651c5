import * as Comlink from 'comlink';
import type * as OrtTypes from 'onnxruntime-web';
import { loadBackend } from './ort/backend';
import type { BackendInfo, BackendPreference, LoadedBackend } from './ort/backend';
import { JobRegistry, throwIfCancelled } from './shared/jobs';
import type { PlainTensor, TensorMap } from './shared/tensors';
import { transferables } from './shared/tensors';

export type ModelSource =
  { kind: 'url'; url: string } | { kind: 'bytes'; bytes: ArrayBuffer; name: string };

export interface ModelSummary {
  inputNames: string[];
  outputNames: string[];
  bytes: number;
  loadMs: number;
}

export interface LoadProgress {
  loaded: number;
  total: number;
  stage: 'download' | 'compile';
}

let backend: LoadedBackend | null = null;
let session: OrtTypes.InferenceSession | null = null;
const jobs = new JobRegistry();

async function fetchWithProgress(
  url: string,
  signal: AbortSignal,
  progress: (p: LoadProgress) => void,
): Promise<ArrayBuffer> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get('Content-Length') ?? 0);
  if (!res.body) return res.arrayBuffer();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    progress({ loaded, total, stage: 'download' });
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
}

function requireSession(): OrtTypes.InferenceSession {
  if (!session) throw new Error('no model is loaded');
  return session;
}

const api = {
  /** Starts the runtime (once per worker); returns which backend runs and why. */
  async init(preference: BackendPreference): Promise<BackendInfo> {
    if (!backend) backend = await loadBackend(preference);
    return backend.info;
  },

  async loadModel(
    jobId: string,
    source: ModelSource,
    progress: (p: LoadProgress) => void,
  ): Promise<ModelSummary> {
    return jobs.run(jobId, async (signal) => {
      if (!backend) throw new Error('init() must run before loadModel()');
      const t0 = performance.now();
      const bytes =
        source.kind === 'url'
          ? await fetchWithProgress(source.url, signal, progress)
          : source.bytes;
      throwIfCancelled(signal);
      progress({ loaded: bytes.byteLength, total: bytes.byteLength, stage: 'compile' });
      const next = await backend.ort.InferenceSession.create(new Uint8Array(bytes), {
        executionProviders: [backend.info.backend],
        graphOptimizationLevel: 'all',
      });
      await session?.release();
      session = next;
      return {
        inputNames: [...next.inputNames],
        outputNames: [...next.outputNames],
        bytes: bytes.byteLength,
        loadMs: performance.now() - t0,
      };
    });
  },

  /** One forward pass; returns the requested outputs as plain Float32 tensors (transferred). */
  async run(jobId: string, feeds: TensorMap, outputs: string[]): Promise<TensorMap> {
    return jobs.run(jobId, async (signal) => {
      if (!backend) throw new Error('init() must run before run()');
      const s = requireSession();
      const ortFeeds: Record<string, OrtTypes.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        ortFeeds[name] = new backend.ort.Tensor('float32', t.data, t.dims);
      }
      const result = await s.run(ortFeeds, outputs);
      throwIfCancelled(signal);
      const out: TensorMap = {};
      for (const name of outputs) {
        const tensor = result[name];
        if (!tensor) throw new Error(`the model has no output "${name}"`);
        const data = (await tensor.getData(true)) as Float32Array;
        out[name] = { data, dims: [...tensor.dims] } satisfies PlainTensor;
      }
      return Comlink.transfer(out, transferables(out));
    });
  },

  cancel(jobId: string): void {
    jobs.cancel(jobId);
  },
};

export type UnetApi = typeof api;

Comlink.expose(api);
