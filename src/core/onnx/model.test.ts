import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel } from './build';
import { OnnxParseError, dtypeName, elemTypeOf, parseModel } from './model';

const MODEL_URL = new URL('../../../public/models/fmnist-adm-s/model.onnx', import.meta.url);
const modelBytes = new Uint8Array(readFileSync(MODEL_URL));

/** A seeded stream of bytes (mulberry32). */
function randomBytes(n: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

describe('parseModel on the default model', () => {
  const m = parseModel(modelBytes);

  it('reads the header', () => {
    expect(m.irVersion).toBeGreaterThanOrEqual(3);
    expect(m.opsetImports.find((o) => o.domain === '')?.version).toBeGreaterThanOrEqual(13);
    expect(m.producerName).toBe('pytorch');
  });

  it('reads inputs x and t with their dtypes and symbolic batch', () => {
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['x', 't']);
    const [x, t] = m.graph.inputs;
    expect(x?.dtype).toBe('float32');
    expect(x?.shape).toEqual(['batch', 1, 32, 32]);
    expect(t?.shape).toHaveLength(1);
  });

  it('reads eps and the 19 block outputs', () => {
    const names = m.graph.outputs.map((o) => o.name);
    expect(names[0]).toBe('eps');
    expect(names.filter((n) => /^block_\d+$/.test(n))).toHaveLength(19);
    expect(m.graph.outputs.find((o) => o.name === 'block_4')?.shape).toEqual(['batch', 32, 16, 16]);
  });

  it('reads nodes with module paths and initializer sizes without decoding data', () => {
    expect(m.graph.nodes.length).toBeGreaterThan(100);
    expect(m.graph.nodes.some((n) => n.name.startsWith('/input_blocks.3/'))).toBe(true);
    expect(m.graph.parameterCount).toBeGreaterThan(1e6);
    // float32 raw data: 4 bytes per parameter.
    expect(m.graph.parameterBytes).toBe(4 * m.graph.parameterCount);
    for (const t of m.graph.initializers) {
      expect(t.rawData).toBeDefined();
      expect(t.rawData!.end - t.rawData!.start).toBe(t.bytes);
      expect(t.external).toBeUndefined();
    }
  });
});

describe('parseModel on hand-made models', () => {
  it('reads value_info, symbolic dims, external data and opsets', () => {
    const bytes = buildModel({
      opset: 18,
      graph: {
        nodes: [
          { opType: 'MatMul', inputs: ['x', 'W'], outputs: ['h'], name: '/lin/MatMul' },
          { opType: 'Relu', inputs: ['h'], outputs: ['y'] },
        ],
        inputs: [{ name: 'x', shape: ['n', 3] }],
        outputs: [{ name: 'y', shape: ['n', 2] }],
        valueInfo: [{ name: 'h', shape: ['n', 2] }],
        initializers: [
          { name: 'W', dims: [3, 2], external: { location: 'w.bin', offset: 64, length: 24 } },
          { name: 'k', dims: [5], elemType: 7, data: new Uint8Array(40) },
        ],
      },
    });
    const m = parseModel(bytes);
    expect(m.opsetImports).toEqual([{ domain: '', version: 18 }]);
    expect(m.graph.nodes[0]).toMatchObject({
      name: '/lin/MatMul',
      opType: 'MatMul',
      inputs: ['x', 'W'],
      outputs: ['h'],
      domain: '',
    });
    expect(m.graph.valueInfo[0]).toMatchObject({ name: 'h', dtype: 'float32', shape: ['n', 2] });
    const [w, k] = m.graph.initializers;
    expect(w).toMatchObject({ name: 'W', dims: [3, 2], count: 6, bytes: 24, rawData: undefined });
    expect(w?.external).toEqual({ location: 'w.bin', offset: 64, length: 24, checksum: undefined });
    expect(k).toMatchObject({ name: 'k', dtype: 'int64', count: 5, bytes: 40 });
    expect(m.graph.parameterCount).toBe(11);
    expect(m.graph.parameterBytes).toBe(64);
  });

  it('maps dtype names both ways', () => {
    expect(dtypeName(1)).toBe('float32');
    expect(dtypeName(7)).toBe('int64');
    expect(dtypeName(10)).toBe('float16');
    expect(elemTypeOf('int64')).toBe(7);
  });
});

describe('parseModel on files that are not ONNX models', () => {
  const expectClearError = (bytes: Uint8Array, pattern: RegExp): void => {
    let err: unknown;
    try {
      parseModel(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OnnxParseError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toContain('\n');
  };

  it('rejects random bytes', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      expectClearError(randomBytes(4096, seed), /ONNX model/);
    }
  });

  it('rejects truncated models', () => {
    expectClearError(modelBytes.subarray(0, modelBytes.length >> 1), /truncated/);
    expectClearError(modelBytes.subarray(0, 1000), /truncated/);
    expectClearError(modelBytes.subarray(0, 3), /ONNX model/);
  });

  it('names common non-model files', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expectClearError(png, /PNG image/);
    expectClearError(new TextEncoder().encode('{"schemaVersion": 1}'), /JSON/);
    expectClearError(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]), /zip/);
    expectClearError(new Uint8Array(0), /empty/);
  });

  it('rejects a protobuf message that is not a ModelProto', () => {
    // A valid message (field 1 = 5, field 2 = "x") without a graph.
    expectClearError(new Uint8Array([0x08, 0x05, 0x12, 0x01, 0x78]), /no graph field/);
  });
});
