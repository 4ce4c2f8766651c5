/**
 * Writes small ONNX models from a plain description, with the wire-format writer: for tests and
 * for fixtures (a hand-made graph that onnxruntime can run), not for real models.
 */
import { ELEM_FLOAT, F, type Dim } from './model';
import { Writer } from './wire';

export interface ValueSpec {
  name: string;
  /** ONNX elem type; float32 (1) by default. */
  elemType?: number;
  /** Omitted: no shape in the type. */
  shape?: readonly Dim[];
}

export type AttributeSpec =
  | { name: string; i: number }
  | { name: string; f: number }
  | { name: string; s: string }
  | { name: string; ints: readonly number[] }
  | { name: string; floats: readonly number[] }
  | { name: string; graph: GraphSpec };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: readonly AttributeSpec[];
}

export interface InitializerSpec {
  name: string;
  dims: readonly number[];
  /** Stored as raw_data (float32 unless elemType says otherwise and data is raw bytes). */
  data?: Float32Array | Uint8Array;
  elemType?: number;
  /** Stored outside the model instead (data_location = EXTERNAL). */
  external?: { location: string; offset: number; length: number };
}

export interface GraphSpec {
  name?: string;
  nodes: readonly NodeSpec[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
  valueInfo?: readonly ValueSpec[];
  initializers?: readonly InitializerSpec[];
}

export interface ModelSpec {
  graph: GraphSpec;
  irVersion?: number;
  /** Default opset ('' domain) version; 17 by default. */
  opset?: number;
  producerName?: string;
}

const ATTR = { FLOAT: 1, INT: 2, STRING: 3, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

function writeValue(w: Writer, v: ValueSpec): void {
  w.string(F.ValueInfo.name, v.name);
  w.message(F.ValueInfo.type, (tp) =>
    tp.message(F.Type.tensorType, (tt) => {
      tt.int(F.TypeTensor.elemType, v.elemType ?? ELEM_FLOAT);
      if (v.shape) {
        const shape = v.shape;
        tt.message(F.TypeTensor.shape, (sh) => {
          for (const d of shape) {
            sh.message(F.TensorShape.dim, (dm) => {
              if (typeof d === 'number') dm.int(F.Dimension.dimValue, d);
              else if (typeof d === 'string') dm.string(F.Dimension.dimParam, d);
            });
          }
        });
      }
    }),
  );
}

function writeAttribute(w: Writer, a: AttributeSpec): void {
  w.string(F.Attribute.name, a.name);
  if ('i' in a) w.int(F.Attribute.i, a.i).int(F.Attribute.type, ATTR.INT);
  else if ('f' in a) w.float(F.Attribute.f, a.f).int(F.Attribute.type, ATTR.FLOAT);
  else if ('s' in a) w.string(F.Attribute.s, a.s).int(F.Attribute.type, ATTR.STRING);
  else if ('ints' in a) w.packedInts(F.Attribute.ints, a.ints).int(F.Attribute.type, ATTR.INTS);
  else if ('floats' in a) {
    for (const x of a.floats) w.float(F.Attribute.floats, x);
    w.int(F.Attribute.type, ATTR.FLOATS);
  } else {
    w.message(F.Attribute.g, buildGraph(a.graph)).int(F.Attribute.type, ATTR.GRAPH);
  }
}

function writeInitializer(w: Writer, t: InitializerSpec): void {
  // Unpacked dims, as the ONNX Python helpers write them.
  for (const d of t.dims) w.int(F.Tensor.dims, d);
  w.int(F.Tensor.dataType, t.elemType ?? ELEM_FLOAT);
  w.string(F.Tensor.name, t.name);
  if (t.external) {
    const e = t.external;
    for (const [key, value] of [
      ['location', e.location],
      ['offset', String(e.offset)],
      ['length', String(e.length)],
    ] as const) {
      w.message(F.Tensor.externalData, (s) =>
        s.string(F.StringStringEntry.key, key).string(F.StringStringEntry.value, value),
      );
    }
    w.int(F.Tensor.dataLocation, 1);
  } else if (t.data) {
    const d = t.data;
    w.bytes(F.Tensor.rawData, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
}

/** A GraphProto's content. */
export function buildGraph(g: GraphSpec): Writer {
  const w = new Writer();
  for (const n of g.nodes) {
    w.message(F.Graph.node, (nw) => {
      for (const i of n.inputs) nw.string(F.Node.input, i);
      for (const o of n.outputs) nw.string(F.Node.output, o);
      if (n.name !== undefined) nw.string(F.Node.name, n.name);
      nw.string(F.Node.opType, n.opType);
      for (const a of n.attributes ?? [])
        nw.message(F.Node.attribute, (aw) => writeAttribute(aw, a));
      if (n.domain !== undefined) nw.string(F.Node.domain, n.domain);
    });
  }
  w.string(F.Graph.name, g.name ?? 'graph');
  for (const t of g.initializers ?? [])
    w.message(F.Graph.initializer, (tw) => writeInitializer(tw, t));
  for (const v of g.inputs) w.message(F.Graph.input, (vw) => writeValue(vw, v));
  for (const v of g.outputs) w.message(F.Graph.output, (vw) => writeValue(vw, v));
  for (const v of g.valueInfo ?? []) w.message(F.Graph.valueInfo, (vw) => writeValue(vw, v));
  return w;
}

/** A complete ModelProto. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const w = new Writer();
  w.int(F.Model.irVersion, spec.irVersion ?? 8);
  w.string(F.Model.producerName, spec.producerName ?? 'diffprobe-test');
  w.message(F.Model.graph, buildGraph(spec.graph));
  w.message(F.Model.opsetImport, (o) =>
    o.string(F.OperatorSetId.domain, '').int(F.OperatorSetId.version, spec.opset ?? 17),
  );
  return w.finish();
}
