/**
 * A lazy reader of ONNX ModelProto files: the graph's structure (nodes, inputs, outputs,
 * value_info, initializer names and sizes) without decoding any tensor data, so a 100+ MB model
 * costs one pass over its bytes and no copies. Every parsed message keeps its byte range, so
 * `edit.ts` can copy unchanged messages verbatim.
 *
 * Field numbers and the parsed types are in proto.ts (re-exported here).
 */
import {
  WireError,
  WireType,
  fieldInt,
  fieldString,
  forEachField,
  readFields,
  repeatedInts,
  type WireField,
} from './wire';
import {
  F,
  dtypeName,
  elemBytes,
  OnnxParseError,
  type ByteRange,
  type Dim,
  type OpsetImport,
  type ValueInfo,
  type AttributeInfo,
  type OnnxNode,
  type ExternalData,
  type InitializerInfo,
  type OnnxGraph,
  type OnnxModel,
} from './proto';

export * from './proto';

const PNG = [0x89, 0x50, 0x4e, 0x47];
const startsWith = (b: Uint8Array, sig: readonly number[]): boolean =>
  sig.every((v, i) => b[i] === v);

/** A guess at what a non-ONNX file is, from its first bytes, for error messages. */
function sniff(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'the file is empty';
  if (startsWith(bytes, PNG)) return 'it is a PNG image';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'it is a JPEG image';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'it is a zip archive';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'it is gzip-compressed';
  if (startsWith(bytes, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'it is a .npy array';
  const first = bytes[0]!;
  if (first === 0x7b || first === 0x5b) return 'it looks like JSON text';
  if (first === 0x3c) return 'it looks like HTML or XML text';
  // PyTorch checkpoints are zip files or pickles (protocol 2+ starts with 0x80).
  if (first === 0x80) return 'it looks like a Python pickle (a PyTorch checkpoint?)';
  return undefined;
}

const range = (f: WireField): ByteRange => ({ start: f.start, end: f.end });

function parseShape(buf: Uint8Array, start: number, end: number): Dim[] {
  const dims: Dim[] = [];
  forEachField(buf, start, end, (f) => {
    if (f.field !== F.TensorShape.dim || f.wireType !== WireType.Len) return;
    let dim: Dim = null;
    forEachField(buf, f.valueStart, f.valueEnd, (d) => {
      if (d.field === F.Dimension.dimValue && d.wireType === WireType.Varint) dim = fieldInt(d);
      else if (d.field === F.Dimension.dimParam && d.wireType === WireType.Len)
        dim = fieldString(buf, d);
    });
    dims.push(dim);
  });
  return dims;
}

/** Parses a ValueInfoProto content; `f` is its field in the parent (for the range). */
function parseValueInfo(buf: Uint8Array, f: WireField): ValueInfo {
  let name = '';
  let elemType = 0;
  let shape: Dim[] | undefined;
  forEachField(buf, f.valueStart, f.valueEnd, (g) => {
    if (g.field === F.ValueInfo.name && g.wireType === WireType.Len) name = fieldString(buf, g);
    else if (g.field === F.ValueInfo.type && g.wireType === WireType.Len) {
      forEachField(buf, g.valueStart, g.valueEnd, (t) => {
        if (t.field !== F.Type.tensorType || t.wireType !== WireType.Len) return;
        forEachField(buf, t.valueStart, t.valueEnd, (tt) => {
          if (tt.field === F.TypeTensor.elemType && tt.wireType === WireType.Varint)
            elemType = fieldInt(tt);
          else if (tt.field === F.TypeTensor.shape && tt.wireType === WireType.Len)
            shape = parseShape(buf, tt.valueStart, tt.valueEnd);
        });
      });
    }
  });
  return { name, elemType, dtype: dtypeName(elemType), shape, range: range(f) };
}

function parseAttribute(buf: Uint8Array, f: WireField): AttributeInfo {
  let name = '';
  let type = 0;
  let i: number | undefined;
  let fl: number | undefined;
  let s: string | undefined;
  const intFields: WireField[] = [];
  const graphs: ByteRange[] = [];
  forEachField(buf, f.valueStart, f.valueEnd, (a) => {
    switch (a.field) {
      case F.Attribute.name:
        if (a.wireType === WireType.Len) name = fieldString(buf, a);
        break;
      case F.Attribute.type:
        if (a.wireType === WireType.Varint) type = fieldInt(a);
        break;
      case F.Attribute.i:
        if (a.wireType === WireType.Varint) i = fieldInt(a);
        break;
      case F.Attribute.f:
        if (a.wireType === WireType.Fixed32)
          fl = new DataView(buf.buffer, buf.byteOffset + a.valueStart, 4).getFloat32(0, true);
        break;
      case F.Attribute.s:
        if (a.wireType === WireType.Len) s = fieldString(buf, a);
        break;
      case F.Attribute.ints:
        intFields.push(a);
        break;
      case F.Attribute.g:
      case F.Attribute.graphs:
        if (a.wireType === WireType.Len) graphs.push({ start: a.valueStart, end: a.valueEnd });
        break;
    }
  });
  const out: {
    name: string;
    type: number;
    graphs: ByteRange[];
    i?: number;
    f?: number;
    s?: string;
    ints?: number[];
  } = { name, type, graphs };
  if (i !== undefined) out.i = i;
  if (fl !== undefined) out.f = fl;
  if (s !== undefined) out.s = s;
  if (intFields.length > 0) out.ints = repeatedInts(buf, intFields);
  return out;
}

function parseNode(buf: Uint8Array, f: WireField): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes: AttributeInfo[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  forEachField(buf, f.valueStart, f.valueEnd, (n) => {
    if (n.wireType !== WireType.Len) return;
    switch (n.field) {
      case F.Node.input:
        inputs.push(fieldString(buf, n));
        break;
      case F.Node.output:
        outputs.push(fieldString(buf, n));
        break;
      case F.Node.name:
        name = fieldString(buf, n);
        break;
      case F.Node.opType:
        opType = fieldString(buf, n);
        break;
      case F.Node.domain:
        domain = fieldString(buf, n);
        break;
      case F.Node.attribute:
        attributes.push(parseAttribute(buf, n));
        break;
    }
  });
  return { name, opType, domain, inputs, outputs, attributes, range: range(f) };
}

/** Parses a TensorProto's metadata; the data itself is only located, never decoded. */
export function parseTensorInfo(buf: Uint8Array, f: WireField): InitializerInfo {
  let name = '';
  let dataType = 0;
  const dimFields: WireField[] = [];
  let rawData: ByteRange | undefined;
  let typedBytes = 0;
  let dataLocation = 0;
  const ext: Record<string, string> = {};
  forEachField(buf, f.valueStart, f.valueEnd, (t) => {
    switch (t.field) {
      case F.Tensor.dims:
        dimFields.push(t);
        break;
      case F.Tensor.dataType:
        if (t.wireType === WireType.Varint) dataType = fieldInt(t);
        break;
      case F.Tensor.name:
        if (t.wireType === WireType.Len) name = fieldString(buf, t);
        break;
      case F.Tensor.rawData:
        if (t.wireType === WireType.Len) rawData = { start: t.valueStart, end: t.valueEnd };
        break;
      case F.Tensor.floatData:
      case F.Tensor.int32Data:
      case F.Tensor.int64Data:
      case F.Tensor.doubleData:
      case F.Tensor.uint64Data:
      case F.Tensor.stringData:
        typedBytes += t.valueEnd - t.valueStart;
        break;
      case F.Tensor.externalData:
        if (t.wireType === WireType.Len) {
          let key = '';
          let value = '';
          forEachField(buf, t.valueStart, t.valueEnd, (e) => {
            if (e.wireType !== WireType.Len) return;
            if (e.field === F.StringStringEntry.key) key = fieldString(buf, e);
            else if (e.field === F.StringStringEntry.value) value = fieldString(buf, e);
          });
          ext[key] = value;
        }
        break;
      case F.Tensor.dataLocation:
        if (t.wireType === WireType.Varint) dataLocation = fieldInt(t);
        break;
    }
  });
  const dims = repeatedInts(buf, dimFields);
  const count = dims.reduce((a, b) => a * b, 1);
  let external: ExternalData | undefined;
  if (dataLocation === 1) {
    external = {
      location: ext['location'] ?? '',
      offset: ext['offset'] !== undefined ? Number(ext['offset']) : 0,
      length: ext['length'] !== undefined ? Number(ext['length']) : undefined,
      checksum: ext['checksum'],
    };
  }
  let bytes: number;
  if (rawData) bytes = rawData.end - rawData.start;
  else if (external) bytes = external.length ?? Math.ceil(count * elemBytes(dataType));
  else if (typedBytes > 0) bytes = Math.ceil(count * elemBytes(dataType)) || typedBytes;
  else bytes = 0;
  return {
    name,
    dataType,
    dtype: dtypeName(dataType),
    dims,
    count,
    bytes,
    rawData,
    external,
    range: range(f),
  };
}

/** Parses a GraphProto whose content is `buf[start, end)`. */
export function parseGraph(buf: Uint8Array, field: WireField): OnnxGraph {
  let name = '';
  const nodes: OnnxNode[] = [];
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  const valueInfo: ValueInfo[] = [];
  const initializers: InitializerInfo[] = [];
  forEachField(buf, field.valueStart, field.valueEnd, (f) => {
    if (f.wireType !== WireType.Len) return;
    switch (f.field) {
      case F.Graph.node:
        nodes.push(parseNode(buf, f));
        break;
      case F.Graph.name:
        name = fieldString(buf, f);
        break;
      case F.Graph.initializer:
        initializers.push(parseTensorInfo(buf, f));
        break;
      case F.Graph.input:
        inputs.push(parseValueInfo(buf, f));
        break;
      case F.Graph.output:
        outputs.push(parseValueInfo(buf, f));
        break;
      case F.Graph.valueInfo:
        valueInfo.push(parseValueInfo(buf, f));
        break;
    }
  });
  let parameterBytes = 0;
  let parameterCount = 0;
  for (const t of initializers) {
    parameterBytes += t.bytes;
    parameterCount += t.count;
  }
  return {
    name,
    nodes,
    inputs,
    outputs,
    valueInfo,
    initializers,
    parameterBytes,
    parameterCount,
    range: range(field),
    contentRange: { start: field.valueStart, end: field.valueEnd },
  };
}

/**
 * Parses an ONNX model's structure. Throws `OnnxParseError` with a one-line explanation when the
 * bytes are not an ONNX model (an image, random bytes, a truncated download…).
 */
export function parseModel(bytes: Uint8Array): OnnxModel {
  const what = sniff(bytes);
  if (what !== undefined) {
    throw new OnnxParseError(`not an ONNX model: ${what}`);
  }
  try {
    let fields: WireField[];
    try {
      fields = readFields(bytes);
    } catch (e) {
      if (e instanceof WireError) {
        const hint =
          e.message.includes('past the end') || e.message.includes('remain')
            ? 'the file looks truncated or is not an ONNX model'
            : 'the file is not a protobuf ONNX model';
        throw new OnnxParseError(`not a valid ONNX model: ${hint} (${e.message})`, { cause: e });
      }
      throw e;
    }
    let irVersion: number | undefined;
    let producerName = '';
    let producerVersion = '';
    let graphField: WireField | undefined;
    const opsetImports: OpsetImport[] = [];
    for (const f of fields) {
      switch (f.field) {
        case F.Model.irVersion:
          if (f.wireType === WireType.Varint) irVersion = fieldInt(f);
          break;
        case F.Model.producerName:
          if (f.wireType === WireType.Len) producerName = fieldString(bytes, f);
          break;
        case F.Model.producerVersion:
          if (f.wireType === WireType.Len) producerVersion = fieldString(bytes, f);
          break;
        case F.Model.graph:
          if (f.wireType === WireType.Len) graphField = f;
          break;
        case F.Model.opsetImport:
          if (f.wireType === WireType.Len) {
            let domain = '';
            let version = 0;
            forEachField(bytes, f.valueStart, f.valueEnd, (o) => {
              if (o.field === F.OperatorSetId.domain && o.wireType === WireType.Len)
                domain = fieldString(bytes, o);
              else if (o.field === F.OperatorSetId.version && o.wireType === WireType.Varint)
                version = fieldInt(o);
            });
            opsetImports.push({ domain, version });
          }
          break;
      }
    }
    if (graphField === undefined || irVersion === undefined) {
      const missing = graphField === undefined ? 'graph' : 'ir_version';
      throw new OnnxParseError(
        `not an ONNX model: the protobuf message has no ${missing} field` +
          (what !== undefined ? ` (${what})` : ''),
      );
    }
    if (irVersion < 1 || irVersion > 100) {
      throw new OnnxParseError(`not an ONNX model: implausible ir_version ${irVersion}`);
    }
    const graph = parseGraph(bytes, graphField);
    if (graph.nodes.length === 0 && graph.outputs.length === 0) {
      throw new OnnxParseError('not a usable ONNX model: the graph has no nodes and no outputs');
    }
    return { bytes, irVersion, opsetImports, producerName, producerVersion, graph };
  } catch (e) {
    if (e instanceof OnnxParseError) throw e;
    if (e instanceof WireError) {
      throw new OnnxParseError(`not a valid ONNX model: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Every tensor name the graph knows: inputs, initializers and node outputs. */
export function tensorNames(graph: OnnxGraph): Set<string> {
  const s = new Set<string>();
  for (const i of graph.inputs) s.add(i.name);
  for (const i of graph.initializers) s.add(i.name);
  for (const n of graph.nodes) for (const o of n.outputs) if (o !== '') s.add(o);
  return s;
}

/** Looks up what the graph states about a tensor's type: value_info, then outputs, then inputs. */
export function findValueInfo(graph: OnnxGraph, name: string): ValueInfo | undefined {
  return (
    graph.valueInfo.find((v) => v.name === name) ??
    graph.outputs.find((v) => v.name === name) ??
    graph.inputs.find((v) => v.name === name)
  );
}

/** Reads the fields of a message in the model's bytes (for callers that walk sub-messages). */
export function fieldsOf(bytes: Uint8Array, r: ByteRange): WireField[] {
  return readFields(bytes, r.start, r.end);
}
