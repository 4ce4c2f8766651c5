import type * as OrtTypes from 'onnxruntime-web';
import type { LoadedBackend } from './backend';

/** A float32 feed; `type` converts it for integer inputs (a timestep given as int64). */
export interface FeedTensor {
  data: Float32Array;
  dims: readonly number[];
  type?: 'float32' | 'int64' | 'int32';
}

export interface ForwardOutput {
  data: Float32Array;
  dims: number[];
}

/**
 * One ONNX model in one runtime. Sessions are made per set of requested outputs: with a
 * `cut` function the graph is first pruned to those outputs, so an early block does not pay
 * for the rest of the U-Net. A few sessions are kept (least recently used first out).
 */
export class ModelRuntime {
  private readonly sessions = new Map<string, Promise<OrtTypes.InferenceSession>>();

  constructor(
    private readonly backend: LoadedBackend,
    private readonly bytes: Uint8Array,
    private readonly allOutputs: readonly string[],
    private readonly cut: ((bytes: Uint8Array, outputs: string[]) => Uint8Array) | null,
    /** The symbolic batch dimension of the inputs ("batch"), when the graph has one. */
    private readonly batchDim: string | null = null,
    private readonly maxSessions = 6,
  ) {}

  private key(outputs: readonly string[]): string {
    return [...outputs].sort().join(',');
  }

  /** The session that computes `outputs` (the whole graph, or a cut of it). */
  session(outputs: readonly string[], batch = 0): Promise<OrtTypes.InferenceSession> {
    const wantsAll = outputs.length === 0 || this.allOutputs.every((o) => outputs.includes(o));
    // Batch 1 (the explorer's case) gets a session with the batch dimension fixed: static
    // shapes let onnxruntime plan memory and pick kernels once.
    const tuned = !this.backend.info.baseline;
    const fixBatch = tuned && batch === 1 && this.batchDim !== null;
    const key = `${wantsAll ? '*' : this.key(outputs)}${fixBatch ? '|b1' : ''}`;
    const hit = this.sessions.get(key);
    if (hit) {
      this.sessions.delete(key);
      this.sessions.set(key, hit);
      return hit;
    }
    const model = wantsAll || !this.cut ? this.bytes : this.cut(this.bytes, [...outputs]);
    const created = this.backend.ort.InferenceSession.create(model, {
      executionProviders: [this.backend.info.backend],
      ...(tuned ? { graphOptimizationLevel: 'all' as const } : {}),
      ...(fixBatch ? { freeDimensionOverrides: { [this.batchDim!]: 1 } } : {}),
    });
    created.catch(() => this.sessions.delete(key));
    this.sessions.set(key, created);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as string;
      const gone = this.sessions.get(oldest);
      this.sessions.delete(oldest);
      void gone?.then((s) => s.release()).catch(() => undefined);
    }
    return created;
  }

  /** Runs the model on float32 feeds; returns the asked outputs as plain arrays. */
  async forward(
    feeds: Record<string, FeedTensor>,
    outputs: readonly string[],
  ): Promise<Record<string, ForwardOutput>> {
    const batch = Object.values(feeds)[0]?.dims[0] ?? 0;
    const session = await this.session(outputs, batch);
    const { Tensor } = this.backend.ort;
    const ortFeeds: Record<string, OrtTypes.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const dims = [...t.dims];
      if (t.type === 'int64') {
        ortFeeds[name] = new Tensor(
          'int64',
          BigInt64Array.from(t.data, (v) => BigInt(Math.round(v))),
          dims,
        );
      } else if (t.type === 'int32') {
        ortFeeds[name] = new Tensor(
          'int32',
          Int32Array.from(t.data, (v) => Math.round(v)),
          dims,
        );
      } else {
        ortFeeds[name] = new Tensor('float32', t.data, dims);
      }
    }
    const result = await session.run(ortFeeds, [...outputs]);
    const out: Record<string, ForwardOutput> = {};
    for (const name of outputs) {
      const tensor = result[name];
      if (!tensor) throw new Error(`the model has no output "${name}"`);
      out[name] = { data: (await tensor.getData(true)) as Float32Array, dims: [...tensor.dims] };
    }
    return out;
  }

  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
  }
}
