/** The ONNX reader and writer: mutated real models, and generated models round-tripped. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  buildModel,
  type GraphSpec,
  type NodeSpec,
  type ValueSpec,
} from '../../../src/core/onnx/build';
import { OnnxEditError, withOutputs } from '../../../src/core/onnx/edit';
import {
  OnnxParseError,
  parseModel,
  type ByteRange,
  type OnnxModel,
} from '../../../src/core/onnx/model';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';
import { mutatedBytes } from '../mutate';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A small graph of every kind of field the reader reads. */
const SMALL: GraphSpec = {
  nodes: [
    {
      opType: 'Conv',
      name: 'conv',
      inputs: ['x', 'w'],
      outputs: ['h'],
      attributes: [
        { name: 'pads', ints: [1, 1, 1, 1] },
        { name: 'alpha', f: 0.5 },
      ],
    },
    { opType: 'Relu', inputs: ['h'], outputs: ['y'], attributes: [{ name: 'mode', s: 'x' }] },
  ],
  inputs: [{ name: 'x', shape: ['batch', 1, 8, 8] }],
  outputs: [{ name: 'y', shape: ['batch', 4, 8, 8] }],
  valueInfo: [{ name: 'h', shape: ['batch', 4, 8, 8] }],
  initializers: [{ name: 'w', dims: [4, 1, 3, 3], data: new Float32Array(36).fill(0.25) }],
};

function bases(): Uint8Array[] {
  return [
    buildModel({ graph: SMALL }),
    new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/guided-tiny/model.onnx'))),
  ];
}

function inside(r: ByteRange, n: number): boolean {
  return (
    Number.isInteger(r.start) &&
    Number.isInteger(r.end) &&
    r.start >= 0 &&
    r.start <= r.end &&
    r.end <= n
  );
}

/** What a parsed model must be: every byte range inside the bytes it was parsed from. */
function validModel(m: OnnxModel): void {
  const n = m.bytes.length;
  const g = m.graph;
  ensure(inside(g.range, n) && inside(g.contentRange, n), 'graph range outside the bytes');
  for (const x of [...g.nodes, ...g.inputs, ...g.outputs, ...g.valueInfo, ...g.initializers])
    ensure(inside(x.range, n), `range of ${x.name} outside the bytes`);
  for (const t of g.initializers)
    if (t.rawData) ensure(inside(t.rawData, n), `raw data of ${t.name} outside the bytes`);
  for (const node of g.nodes)
    for (const a of node.attributes)
      for (const r of a.graphs) ensure(inside(r, n), 'subgraph range outside the bytes');
}

export const onnxBytes: FuzzTarget<Uint8Array> = {
  name: 'onnx',
  arbitrary: fc.constant(null).chain(() => mutatedBytes(bases())),
  async check(bytes) {
    const model = await parsedOrRefused(() => parseModel(bytes), OnnxParseError);
    if (!model) return;
    validModel(model);
    // The writer on what the reader accepted: a model with the first node's output exposed.
    const name = model.graph.nodes.find((n) => n.outputs[0])?.outputs[0];
    if (name === undefined) return;
    const edited = await parsedOrRefused(
      () => withOutputs(bytes, [name]),
      OnnxEditError,
      OnnxParseError,
    );
    if (edited) validModel(parseModel(edited));
  },
};

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const dim = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: 0, max: 4096 }),
  text,
  fc.constant(null),
);
const value: fc.Arbitrary<ValueSpec> = fc.record({
  name: text,
  shape: fc.array(dim, { maxLength: 5 }),
  elemType: fc.integer({ min: 1, max: 23 }),
});
const node: fc.Arbitrary<NodeSpec> = fc.record({
  opType: text,
  name: text,
  domain: text,
  inputs: fc.array(text, { maxLength: 4 }),
  outputs: fc.array(text, { maxLength: 4 }),
  attributes: fc.array(
    fc.oneof(
      fc.record({ name: text, i: fc.maxSafeInteger() }),
      fc.record({ name: text, f: fc.float({ noNaN: true }) }),
      fc.record({ name: text, s: text }),
      fc.record({ name: text, ints: fc.array(fc.maxSafeInteger(), { maxLength: 6 }) }),
    ),
    { maxLength: 3 },
  ),
});

export interface GeneratedModel {
  graph: GraphSpec & { nodes: NodeSpec[]; inputs: ValueSpec[]; outputs: ValueSpec[] };
  irVersion: number;
}

export const onnxRoundTrip: FuzzTarget<GeneratedModel> = {
  name: 'onnx-roundtrip',
  arbitrary: fc.record({
    irVersion: fc.integer({ min: 1, max: 100 }),
    graph: fc.record({
      name: text,
      nodes: fc.array(node, { maxLength: 5 }),
      inputs: fc.array(value, { maxLength: 3 }),
      outputs: fc.array(value, { minLength: 1, maxLength: 3 }),
    }),
  }),
  check(spec) {
    const m = parseModel(buildModel(spec));
    validModel(m);
    const same = (a: unknown, b: unknown, what: string): void =>
      ensure(JSON.stringify(a) === JSON.stringify(b), `${what} did not round-trip`);
    same(m.irVersion, spec.irVersion, 'ir_version');
    same(m.graph.name, spec.graph.name, 'the graph name');
    same(
      m.graph.nodes.map((n) => [n.opType, n.name, n.domain, n.inputs, n.outputs]),
      spec.graph.nodes.map((n) => [n.opType, n.name, n.domain, n.inputs, n.outputs]),
      'the nodes',
    );
    same(
      m.graph.nodes.map((n) => n.attributes.map((a) => [a.name, a.i, a.f, a.s, a.ints])),
      spec.graph.nodes.map((n) =>
        (n.attributes ?? []).map((a) => [
          a.name,
          'i' in a ? a.i : undefined,
          'f' in a ? Math.fround(a.f) : undefined,
          's' in a ? a.s : undefined,
          'ints' in a ? a.ints : undefined,
        ]),
      ),
      'the attributes',
    );
    for (const key of ['inputs', 'outputs'] as const)
      same(
        m.graph[key].map((v) => [v.name, v.elemType, v.shape]),
        spec.graph[key].map((v) => [v.name, v.elemType, v.shape]),
        `the graph ${key}`,
      );
  },
};
