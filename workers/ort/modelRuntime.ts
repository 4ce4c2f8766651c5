import type * as OrtTypes from 'onnxruntime-web';
import { pooledName, poolsInGraph, withPooledOutputs } from '../../src/core/onnx/poolOutputs';
import type { PoolTarget } from '../../src/core/onnx/poolOutputs';
import { sharedScalar } from '../../src/core/onnx/scalarInputs';
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
  /** Set when the graph pooled this output to p×p (so the caller must not pool it again). */
  pooled?: number;
}

/** Pool block outputs to p×p inside the graph where p divides their size. */
export interface GraphPool {
  size: number;
  targets: readonly PoolTarget[];
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
    /** Extra session options, e.g. `externalData` for weights kept outside the graph. */
    private readonly extraOptions: OrtTypes.InferenceSession.SessionOptions = {},
    /** Inputs of rank 0 (a scalar timestep): fed the one value their batch shares. */
    private readonly scalarInputs: ReadonlySet<string> = new Set(),
  ) {}

  private key(outputs: readonly string[]): string {
    return [...outputs].sort().join(',');
  }

  /** The graph output names a session for `outputs` with `pool` has, per requested output. */
  private pooledNames(outputs: readonly string[], pool: GraphPool | undefined) {
    const names: Record<string, string> = {};
    for (const o of outputs) names[o] = o;
    if (!pool) return { names, any: false };
    let any = false;
    for (const t of pool.targets) {
      if (t.name in names && poolsInGraph(t.height, t.width, pool.size)) {
        names[t.name] = pooledName(t.name, pool.size);
        any = true;
      }
    }
    return { names, any };
  }

  /**
   * The session that computes `outputs` (the whole graph, or a cut of it), with the block
   * outputs pooled in the graph when `pool` is given.
   */
  session(
    outputs: readonly string[],
    batch = 0,
    pool?: GraphPool,
  ): Promise<OrtTypes.InferenceSession> {
    return this.sessionFor(outputs, batch, this.pooledNames(outputs, pool).any ? pool : undefined);
  }

  /** `session` once it is known whether any output pools in the graph (`pooling` set if so). */
  private sessionFor(
    outputs: readonly string[],
    batch: number,
    pooling: GraphPool | undefined,
  ): Promise<OrtTypes.InferenceSession> {
    const wantsAll = outputs.length === 0 || this.allOutputs.every((o) => outputs.includes(o));
    // Batch 1 (the explorer's case) gets a session with the batch dimension fixed: static
    // shapes let onnxruntime plan memory and pick kernels once.
    const tuned = !this.backend.info.baseline;
    const fixBatch = tuned && batch === 1 && this.batchDim !== null;
    const key = `${wantsAll ? '*' : this.key(outputs)}${fixBatch ? '|b1' : ''}${pooling ? `|p${pooling.size}` : ''}`;
    const hit = this.sessions.get(key);
    if (hit) {
      this.sessions.delete(key);
      this.sessions.set(key, hit);
      return hit;
    }
    const cut = wantsAll || !this.cut ? this.bytes : this.cut(this.bytes, [...outputs]);
    const model = pooling
      ? withPooledOutputs(cut, outputs, pooling.targets, pooling.size).bytes
      : cut;
    const created = this.backend.ort.InferenceSession.create(model, {
      ...this.extraOptions,
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

  /**
   * Runs the model on float32 feeds; returns the asked outputs as plain arrays, keyed by the
   * asked names. With `pool`, block outputs come back pooled to p×p where the graph can do it.
   */
  async forward(
    feeds: Record<string, FeedTensor>,
    outputs: readonly string[],
    pool?: GraphPool,
  ): Promise<Record<string, ForwardOutput>> {
    const batch = Object.values(feeds)[0]?.dims[0] ?? 0;
    const { names, any } = this.pooledNames(outputs, pool);
    const session = await this.sessionFor(outputs, batch, any ? pool : undefined);
    const { Tensor } = this.backend.ort;
    const ortFeeds: Record<string, OrtTypes.Tensor> = {};
    // A cut graph may not read every input (block 1 does not depend on t): feed what it takes.
    const takes = new Set(session.inputNames);
    for (const [name, given] of Object.entries(feeds)) {
      if (!takes.has(name)) continue;
      const scalar = this.scalarInputs.has(name);
      const dims = scalar ? [] : [...given.dims];
      const t = scalar
        ? { ...given, data: Float32Array.of(sharedScalar(name, given.data)) }
        : given;
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
    const result = await session.run(
      ortFeeds,
      outputs.map((o) => names[o]!),
    );
    const out: Record<string, ForwardOutput> = {};
    for (const name of outputs) {
      const tensor = result[names[name]!];
      if (!tensor) throw new Error(`the model has no output "${name}"`);
      const data = (await tensor.getData(true)) as Float32Array;
      out[name] =
        names[name] !== name
          ? { data, dims: [...tensor.dims], pooled: pool!.size }
          : { data, dims: [...tensor.dims] };
    }
    return out;
  }

  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
  }
}
