import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildModel } from './build';
import { OnnxEditError, pruneToOutputs, withOutputs } from './edit';
import { parseModel } from './model';

const MODEL_URL = new URL('../../../public/models/fmnist-adm-s/model.onnx', import.meta.url);
const modelBytes = new Uint8Array(readFileSync(MODEL_URL));

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
};

/** Seeded uniform values in [-1, 1) (mulberry32). */
function uniform(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

async function run(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
  outputs?: string[],
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  try {
    const used = Object.fromEntries(
      Object.entries(feeds).filter(([k]) => session.inputNames.includes(k)),
    );
    const res = outputs ? await session.run(used, outputs) : await session.run(used);
    return res as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  expect(a.dims).toEqual(b.dims);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

const B = 2;
const feeds = {
  x: new ort.Tensor('float32', uniform(B * 32 * 32, 7), [B, 1, 32, 32]),
  t: new ort.Tensor('float32', new Float32Array([90, 400]), [B]),
};

describe('withOutputs', () => {
  it('replaces the output list and copies everything else', () => {
    const out = withOutputs(modelBytes, ['eps']);
    const before = parseModel(modelBytes);
    const after = parseModel(out);
    expect(after.graph.outputs.map((o) => o.name)).toEqual(['eps']);
    expect(after.graph.nodes.length).toBe(before.graph.nodes.length);
    expect(after.graph.parameterBytes).toBe(before.graph.parameterBytes);
    expect(after.graph.inputs.map((i) => i.name)).toEqual(['x', 't']);
    // Untouched outputs are copied byte for byte.
    const eps = before.graph.outputs[0]!;
    const eps2 = after.graph.outputs[0]!;
    expect(out.subarray(eps2.range.start, eps2.range.end)).toEqual(
      modelBytes.subarray(eps.range.start, eps.range.end),
    );
    // Identity on the same list (order of fields in the graph is kept).
    const same = withOutputs(
      modelBytes,
      before.graph.outputs.map((o) => o.name),
    );
    expect(same.length).toBe(modelBytes.length);
    expect(same.every((v, i) => v === modelBytes[i])).toBe(true);
  });

  it('exposes intermediate tensors that onnxruntime then returns', async () => {
    const m = parseModel(modelBytes);
    const conv = m.graph.nodes.find((n) => n.name === '/input_blocks.0/input_blocks.0.0/Conv');
    expect(conv).toBeDefined();
    const inner = conv!.outputs[0]!;
    const out = withOutputs(modelBytes, ['block_2', inner]);
    const info = parseModel(out).graph.outputs;
    expect(info.map((o) => o.name)).toEqual(['block_2', inner]);
    expect(info[1]?.dtype).toBe('float32');
    const res = await run(out, feeds);
    expect(res[inner]?.dims).toEqual([B, 32, 32, 32]);
    // The intermediate conv output is block 1 (the exporter names it after a no-op Cast).
    const full = await run(modelBytes, feeds, ['block_1']);
    expect(maxAbsDiff(res[inner]!, full['block_1']!)).toBe(0);
  });

  it('rejects names the graph does not have', () => {
    expect(() => withOutputs(modelBytes, ['nope'])).toThrow(OnnxEditError);
    expect(() => withOutputs(modelBytes, ['nope'])).toThrow(/no tensor named "nope"/);
    expect(() => withOutputs(modelBytes, [])).toThrow(/at least one/);
  });
});

describe('pruneToOutputs on the default model', () => {
  it('cuts the graph after block 4 and computes the same activation', async () => {
    const full = parseModel(modelBytes);
    const prunedBytes = pruneToOutputs(modelBytes, ['block_4']);
    const pruned = parseModel(prunedBytes);
    expect(pruned.graph.outputs.map((o) => o.name)).toEqual(['block_4']);
    expect(pruned.graph.nodes.length).toBeLessThan(full.graph.nodes.length / 4);
    expect(pruned.graph.inputs.map((i) => i.name)).toEqual(['x', 't']);
    expect(pruned.graph.parameterCount).toBeLessThan(full.graph.parameterCount / 4);
    expect(prunedBytes.length).toBeLessThan(modelBytes.length / 4);
    // Kept nodes are copied byte for byte.
    const first = full.graph.nodes.find((n) => n.name === pruned.graph.nodes[0]!.name)!;
    const firstPruned = pruned.graph.nodes[0]!;
    expect(prunedBytes.subarray(firstPruned.range.start, firstPruned.range.end)).toEqual(
      modelBytes.subarray(first.range.start, first.range.end),
    );

    const a = await run(modelBytes, feeds, ['block_4']);
    const b = await run(prunedBytes, feeds);
    expect(Object.keys(b)).toEqual(['block_4']);
    expect(maxAbsDiff(a['block_4']!, b['block_4']!)).toBeLessThanOrEqual(1e-6);
  });

  it('drops the timestep input when the outputs do not need it', async () => {
    const prunedBytes = pruneToOutputs(modelBytes, ['block_1']);
    const pruned = parseModel(prunedBytes);
    expect(pruned.graph.inputs.map((i) => i.name)).toEqual(['x']);
    expect(pruned.graph.nodes.length).toBeLessThanOrEqual(3);
    const res = await run(prunedBytes, { x: feeds.x });
    const full = await run(modelBytes, feeds, ['block_1']);
    expect(maxAbsDiff(res['block_1']!, full['block_1']!)).toBe(0);
  });
});

describe('pruneToOutputs on a hand-made model', () => {
  const bytes = buildModel({
    graph: {
      nodes: [
        { opType: 'Relu', inputs: ['x'], outputs: ['a'], name: 'relu' },
        { opType: 'Neg', inputs: ['a'], outputs: ['b'], name: 'neg' },
        { opType: 'Abs', inputs: ['y'], outputs: ['c'], name: 'abs' },
        { opType: 'Mul', inputs: ['c', 'W'], outputs: ['d'], name: 'mul' },
        { opType: 'Add', inputs: ['a', 'V'], outputs: ['e'], name: 'add' },
      ],
      inputs: [
        { name: 'x', shape: [2] },
        { name: 'y', shape: [2] },
      ],
      outputs: [
        { name: 'b', shape: [2] },
        { name: 'd', shape: [2] },
      ],
      valueInfo: [
        { name: 'a', shape: [2] },
        { name: 'c', shape: [2] },
        { name: 'e', shape: [2] },
      ],
      initializers: [
        { name: 'W', dims: [2], data: new Float32Array([2, 3]) },
        { name: 'V', dims: [2], data: new Float32Array([10, 20]) },
      ],
    },
  });

  it('keeps only what the outputs need, and onnxruntime runs it', async () => {
    const out = pruneToOutputs(bytes, ['b', 'e']);
    const m = parseModel(out);
    expect(m.graph.nodes.map((n) => n.name)).toEqual(['relu', 'neg', 'add']);
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['x']);
    expect(m.graph.initializers.map((t) => t.name)).toEqual(['V']);
    expect(m.graph.valueInfo.map((v) => v.name)).toEqual(['a', 'e']);
    // 'e' was intermediate: its output entry takes the shape from value_info.
    expect(m.graph.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['b', [2]],
      ['e', [2]],
    ]);
    const x = new ort.Tensor('float32', new Float32Array([-1, 4]), [2]);
    const res = await run(out, { x });
    expect([...(res['b']!.data as Float32Array)]).toEqual([-0, -4]);
    expect([...(res['e']!.data as Float32Array)]).toEqual([10, 24]);
  });

  it('keeps an input that is still needed', async () => {
    const out = pruneToOutputs(bytes, ['d']);
    const m = parseModel(out);
    expect(m.graph.nodes.map((n) => n.name)).toEqual(['abs', 'mul']);
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['y']);
    expect(m.graph.initializers.map((t) => t.name)).toEqual(['W']);
    const y = new ort.Tensor('float32', new Float32Array([-1, 4]), [2]);
    const res = await run(out, { y });
    expect([...(res['d']!.data as Float32Array)]).toEqual([2, 12]);
  });
});

describe('withOutputs type guesses', () => {
  it('declares a float16 intermediate as float16, so onnxruntime accepts it', async () => {
    const bytes = buildModel({
      graph: {
        nodes: [
          { opType: 'Relu', inputs: ['x'], outputs: ['a'], name: 'relu' },
          { opType: 'Neg', inputs: ['a'], outputs: ['b'], name: 'neg' },
          { opType: 'Shape', inputs: ['b'], outputs: ['s'], name: 'shape' },
          { opType: 'Cast', inputs: ['b'], outputs: ['c'], attributes: [{ name: 'to', i: 1 }] },
        ],
        inputs: [{ name: 'x', elemType: 10, shape: [2] }],
        outputs: [{ name: 'c', shape: [2] }],
      },
    });
    const out = withOutputs(bytes, ['b', 's', 'c']);
    const outs = parseModel(out).graph.outputs;
    expect(outs.map((o) => [o.name, o.dtype])).toEqual([
      ['b', 'float16'],
      ['s', 'int64'],
      ['c', 'float32'],
    ]);
    // float16 1.0 and -2.0.
    const x = new ort.Tensor('float16', new Uint16Array([0x3c00, 0xc000]), [2]);
    const res = await run(out, { x });
    expect(res['b']?.type).toBe('float16');
    expect([...(res['c']!.data as Float32Array)]).toEqual([-1, -0]);
    expect([...(res['s']!.data as BigInt64Array)]).toEqual([2n]);
  });
});
