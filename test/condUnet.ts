/**
 * A tiny conditional "U-Net" with ADM module paths, for the CLI's and the app's conditioning
 * tests: block_1 = x + y (the class id, when there is a class input), block_2 = block_1 +
 * mean(ctx) (context [B, 2, 3], when there is one), block_3 = block_2 + t, block_4 = block_3
 * (or Relu(block_3) with `relu`).
 */
import { createHash } from 'node:crypto';
import { buildModel } from '../src/core/onnx/build';

export interface CondUnetOptions {
  /** Image side (default 4) — 1 channel. */
  size?: number;
  /** An int64 class input `y` (default true). */
  classInput?: boolean;
  /** A float32 context input `ctx` [B, 2, 3] (default true). */
  contextInput?: boolean;
  /**
   * The same graph with y and ctx as constants inside it (class 0, zero context) instead of
   * inputs: an unconditional model of exactly the conditional one's work (for the bench).
   */
  constants?: boolean;
  /**
   * block_4 = Relu(block_3): a nonlinearity after the conditioning, so that a class changes how
   * blocks relate (CKA), not only shifts them (default false).
   */
  relu?: boolean;
}

export function condModel(opts: CondUnetOptions = {}): Uint8Array {
  const { size = 4, constants = false } = opts;
  const classInput = constants || (opts.classInput ?? true);
  const contextInput = constants || (opts.contextInput ?? true);
  const i64 = (v: bigint[]) => new Uint8Array(new BigInt64Array(v).buffer);
  const h0In = classInput ? 'yr' : null;
  const h1In = contextInput ? 'cr' : null;
  return buildModel({
    graph: {
      nodes: [
        ...(classInput
          ? [
              {
                name: '/label_emb/Cast',
                opType: 'Cast',
                inputs: ['y'],
                outputs: ['yf'],
                attributes: [{ name: 'to', i: 1 }],
              },
              {
                name: '/label_emb/Reshape',
                opType: 'Reshape',
                inputs: ['yf', 'r4'],
                outputs: ['yr'],
              },
            ]
          : []),
        h0In
          ? { name: '/input_blocks.0/Add', opType: 'Add', inputs: ['x', h0In], outputs: ['h0'] }
          : {
              name: '/input_blocks.0/Identity',
              opType: 'Identity',
              inputs: ['x'],
              outputs: ['h0'],
            },
        ...(contextInput
          ? [
              {
                name: '/ctx/ReduceMean',
                opType: 'ReduceMean',
                inputs: ['ctx'],
                outputs: ['cm'],
                attributes: [
                  { name: 'axes', ints: [1, 2] },
                  { name: 'keepdims', i: 1 },
                ],
              },
              { name: '/ctx/Reshape', opType: 'Reshape', inputs: ['cm', 'r4'], outputs: ['cr'] },
            ]
          : []),
        h1In
          ? { name: '/input_blocks.1/Add', opType: 'Add', inputs: ['h0', h1In], outputs: ['h1'] }
          : {
              name: '/input_blocks.1/Identity',
              opType: 'Identity',
              inputs: ['h0'],
              outputs: ['h1'],
            },
        { name: '/time_embed/Reshape', opType: 'Reshape', inputs: ['t', 'r4'], outputs: ['tr'] },
        { name: '/middle_block/Add', opType: 'Add', inputs: ['h1', 'tr'], outputs: ['h2'] },
        opts.relu
          ? { name: '/output_blocks.0/Relu', opType: 'Relu', inputs: ['h2'], outputs: ['h3'] }
          : {
              name: '/output_blocks.0/Identity',
              opType: 'Identity',
              inputs: ['h2'],
              outputs: ['h3'],
            },
        { name: '/out/Identity', opType: 'Identity', inputs: ['h3'], outputs: ['eps'] },
      ],
      inputs: [
        { name: 'x', shape: ['batch', 1, size, size] },
        { name: 't', shape: ['batch'] },
        ...(classInput && !constants ? [{ name: 'y', elemType: 7, shape: ['batch'] }] : []),
        ...(contextInput && !constants ? [{ name: 'ctx', shape: ['batch', 2, 3] }] : []),
      ],
      outputs: ['eps', 'h0', 'h1', 'h2', 'h3'].map((name) => ({
        name,
        shape: ['batch', 1, size, size],
      })),
      initializers: [
        { name: 'r4', dims: [4], elemType: 7, data: i64([-1n, 1n, 1n, 1n]) },
        ...(constants
          ? [
              { name: 'y', dims: [1], elemType: 7, data: i64([0n]) },
              { name: 'ctx', dims: [1, 2, 3], elemType: 1, data: new Uint8Array(24) },
            ]
          : []),
      ],
    },
  });
}

/** The manifest.json for `bytes` built by condModel with the same options. */
export function condManifest(bytes: Uint8Array, opts: CondUnetOptions = {}, id = 'cond-tiny') {
  const { size = 4, constants = false } = opts;
  const classInput = !constants && (opts.classInput ?? true);
  const contextInput = !constants && (opts.contextInput ?? true);
  const stages = ['encoder', 'encoder', 'middle', 'decoder'];
  return {
    schemaVersion: 1,
    id,
    title: `a tiny conditional U-Net (${id})`,
    kind: 'diffusion',
    license: 'MIT',
    provenance: 'made by a test',
    file: 'model.onnx',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    image: { size, channels: 1, range: [-1, 1] },
    inputs: {
      x: 'x',
      t: 't',
      tDtype: 'float32',
      conditioning: [
        ...(classInput ? [{ name: 'y', role: 'class', dtype: 'int64', classes: 10 }] : []),
        ...(contextInput
          ? [{ name: 'ctx', role: 'context', dtype: 'float32', shape: [2, 3] }]
          : []),
      ],
    },
    outputs: { eps: 'eps' },
    schedule: { kind: 'cosine', T: 1000 },
    blocks: stages.map((stage, i) => ({
      index: i + 1,
      stage,
      channels: 1,
      height: size,
      width: size,
      output: `h${i}`,
    })),
    parameters: 4,
  };
}
