/**
 * Graph edits that diffprobe needs, done on the protobuf bytes: every message that is not changed
 * (nodes, initializers with their tensor data, attributes, metadata) is copied byte for byte.
 *
 * - `withOutputs`: the same graph with a new list of graph outputs (block activations must be
 *   graph outputs, since onnxruntime returns nothing else).
 * - `pruneToOutputs`: the graph cut: only the nodes that the requested outputs depend on, and only
 *   the initializers and inputs those nodes use, so asking for an early block does not pay for the
 *   rest of the U-Net.
 */
import {
  ELEM_FLOAT,
  F,
  findValueInfo,
  parseModel,
  tensorNames,
  type Dim,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
} from './model';
import { WireType, fieldString, forEachField, readField, Writer, type WireField } from './wire';

/** An edit that cannot be made (e.g. an output name the graph does not have). */
export class OnnxEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxEditError';
  }
}

const INT64 = 7;
const BOOL = 9;

const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);
const BOOL_OPS = new Set([
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);

/**
 * A best guess at a tensor's elem type when value_info does not state it: from initializers and
 * inputs, from ops whose output type is fixed (Shape → int64, Cast → its `to`, comparisons →
 * bool), else the type of the op's data input, followed back through the graph. Float32 when
 * nothing is known. (Enough for float16 models, whose block tensors must not be declared float.)
 */
export function typeGuesser(graph: OnnxGraph): (name: string) => number {
  const known = new Map<string, number>();
  for (const t of graph.initializers) known.set(t.name, t.dataType);
  for (const v of [...graph.inputs, ...graph.valueInfo, ...graph.outputs]) {
    if (v.elemType !== 0) known.set(v.name, v.elemType);
  }
  const producer = new Map<string, OnnxNode>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o !== '') producer.set(o, n);
  return (name) => guessElemType(known, producer, name);
}

function guessElemType(
  known: Map<string, number>,
  producer: Map<string, OnnxNode>,
  name: string,
): number {
  // Iterative walk back along data inputs (graphs can be thousands of nodes deep).
  let cur = name;
  for (let steps = 0; steps < 100_000; steps++) {
    const k = known.get(cur);
    if (k !== undefined) return k;
    const node = producer.get(cur);
    if (!node || node.domain !== '') return ELEM_FLOAT;
    if (INT64_OPS.has(node.opType)) return INT64;
    if (BOOL_OPS.has(node.opType)) return BOOL;
    if (node.opType === 'Cast')
      return node.attributes.find((a) => a.name === 'to')?.i ?? ELEM_FLOAT;
    if (node.opType === 'Constant' || node.opType === 'ConstantOfShape') return ELEM_FLOAT;
    // Where(cond, X, Y): the type of X; otherwise the first input.
    const next = node.opType === 'Where' ? node.inputs[1] : node.inputs[0];
    if (next === undefined || next === '') return ELEM_FLOAT;
    cur = next;
  }
  return ELEM_FLOAT;
}

/** Writes the content of a ValueInfoProto (name, tensor type, optional shape). */
export function writeValueInfo(
  w: Writer,
  name: string,
  elemType: number,
  shape: readonly Dim[] | undefined,
): void {
  w.string(F.ValueInfo.name, name);
  w.message(F.ValueInfo.type, (tp) =>
    tp.message(F.Type.tensorType, (tt) => {
      tt.int(F.TypeTensor.elemType, elemType);
      if (shape !== undefined) {
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

/** The unique names, in first-seen order; rejects an empty list and empty names. */
function uniqueNames(names: readonly string[]): string[] {
  if (names.length === 0) throw new OnnxEditError('at least one output name is needed');
  const out: string[] = [];
  for (const n of names) {
    if (typeof n !== 'string' || n === '')
      throw new OnnxEditError('output names must be non-empty');
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * The GraphProto.output fields for `names`: an existing output is copied verbatim, a tensor
 * described in value_info (or a graph input) reuses that description, anything else gets a
 * ValueInfo with a guessed elem type (float unless the producer says otherwise) and no shape.
 */
function outputFields(model: OnnxModel, names: readonly string[]): Writer {
  const { bytes, graph } = model;
  const known = tensorNames(graph);
  let guess: ((name: string) => number) | undefined;
  const w = new Writer();
  for (const name of names) {
    if (!known.has(name)) {
      throw new OnnxEditError(
        `no tensor named "${name}" in the graph (not an input, initializer or node output)`,
      );
    }
    const existing = graph.outputs.find((o) => o.name === name);
    if (existing) {
      w.raw(bytes.subarray(existing.range.start, existing.range.end));
      continue;
    }
    const info = findValueInfo(graph, name);
    if (info && info.elemType !== 0) {
      // Same content, new field number: re-read the field to find its content.
      const f = readField(bytes, info.range.start, info.range.end);
      w.bytes(F.Graph.output, bytes.subarray(f.valueStart, f.valueEnd));
      continue;
    }
    const init = graph.initializers.find((t) => t.name === name);
    w.message(F.Graph.output, (v) =>
      writeValueInfo(v, name, (guess ??= typeGuesser(graph))(name), init ? init.dims : info?.shape),
    );
  }
  return w;
}

/** Rewrites the model: all fields copied except the graph, whose content `graph` gives. */
export function rewriteModel(
  model: OnnxModel,
  graph: Writer,
  dropFields: readonly number[] = [],
): Uint8Array {
  const { bytes } = model;
  const w = new Writer();
  forEachField(bytes, 0, bytes.length, (f) => {
    if (f.field === F.Model.graph && f.wireType === WireType.Len) w.message(F.Model.graph, graph);
    else if (!dropFields.includes(f.field)) w.copy(bytes, f);
  });
  return w.finish();
}

/**
 * A new model whose graph outputs are exactly `names`, in that order: existing outputs or any
 * intermediate tensor (which gets a ValueInfo: elem type and shape from value_info when known,
 * else float and no shape). Everything else is copied unchanged.
 */
export function withOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const model = parseModel(bytes);
  const outs = outputFields(model, uniqueNames(names));
  const g = new Writer();
  let placed = false;
  const { contentRange } = model.graph;
  forEachField(bytes, contentRange.start, contentRange.end, (f) => {
    if (f.field === F.Graph.output) {
      if (!placed) g.append(outs);
      placed = true;
    } else {
      g.copy(bytes, f);
    }
  });
  if (!placed) g.append(outs);
  return rewriteModel(model, g);
}

/** Every tensor name a (sub)graph's nodes read, recursively through nested graphs. */
function subgraphReads(bytes: Uint8Array, start: number, end: number, into: Set<string>): void {
  forEachField(bytes, start, end, (f) => {
    if (f.field !== F.Graph.node || f.wireType !== WireType.Len) return;
    forEachField(bytes, f.valueStart, f.valueEnd, (n) => {
      if (n.wireType !== WireType.Len) return;
      if (n.field === F.Node.input) {
        const s = fieldString(bytes, n);
        if (s !== '') into.add(s);
      } else if (n.field === F.Node.attribute) {
        forEachField(bytes, n.valueStart, n.valueEnd, (a) => {
          if ((a.field === F.Attribute.g || a.field === F.Attribute.graphs) && a.wireType === 2) {
            subgraphReads(bytes, a.valueStart, a.valueEnd, into);
          }
        });
      }
    });
  });
}

/** The indices of the nodes needed to compute `names`, and every tensor name they read. */
export function requiredNodes(
  model: OnnxModel,
  names: readonly string[],
): { nodes: Set<number>; tensors: Set<string> } {
  const { graph, bytes } = model;
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    for (const o of n.outputs) if (o !== '') producer.set(o, i);
  });
  const tensors = new Set<string>();
  const nodes = new Set<number>();
  const stack = [...names];
  const need = (t: string): void => {
    if (t === '' || tensors.has(t)) return;
    tensors.add(t);
    stack.push(t);
  };
  for (const n of names) tensors.add(n);
  while (stack.length > 0) {
    const t = stack.pop()!;
    const i = producer.get(t);
    if (i === undefined || nodes.has(i)) continue;
    nodes.add(i);
    const node: OnnxNode = graph.nodes[i]!;
    for (const inp of node.inputs) need(inp);
    for (const a of node.attributes) {
      for (const r of a.graphs) {
        const reads = new Set<string>();
        subgraphReads(bytes, r.start, r.end, reads);
        for (const s of reads) need(s);
      }
    }
  }
  return { nodes, tensors };
}

/** The name of a SparseTensorProto (its values tensor's name). */
function sparseName(bytes: Uint8Array, f: WireField): string {
  let name = '';
  forEachField(bytes, f.valueStart, f.valueEnd, (s) => {
    if (s.field !== F.SparseTensor.values || s.wireType !== WireType.Len) return;
    forEachField(bytes, s.valueStart, s.valueEnd, (t) => {
      if (t.field === F.Tensor.name && t.wireType === WireType.Len) name = fieldString(bytes, t);
    });
  });
  return name;
}

/** The name field (1) of a ValueInfoProto or TensorAnnotation. */
function firstStringField(bytes: Uint8Array, f: WireField, field: number): string {
  let name = '';
  forEachField(bytes, f.valueStart, f.valueEnd, (s) => {
    if (s.field === field && s.wireType === WireType.Len && name === '') {
      name = fieldString(bytes, s);
    }
  });
  return name;
}

/**
 * The graph cut: a model that computes only `names` (its new graph outputs). Nodes the outputs do
 * not depend on are removed, and so are unused initializers, graph inputs no longer read and
 * value_info of tensors that no longer exist. Kept messages are copied byte for byte; training_info
 * is dropped (it may refer to removed initializers).
 */
export function pruneToOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const model = parseModel(bytes);
  const unique = uniqueNames(names);
  const outs = outputFields(model, unique);
  const { graph } = model;
  const { nodes: keep, tensors: needed } = requiredNodes(model, unique);

  // Tensors that exist in the pruned graph.
  const alive = new Set<string>();
  graph.nodes.forEach((n, i) => {
    if (keep.has(i)) for (const o of n.outputs) if (o !== '') alive.add(o);
  });
  for (const i of graph.inputs) if (needed.has(i.name)) alive.add(i.name);
  for (const t of graph.initializers) if (needed.has(t.name)) alive.add(t.name);

  const g = new Writer();
  let nodeIndex = 0;
  let placed = false;
  const { contentRange } = graph;
  forEachField(bytes, contentRange.start, contentRange.end, (f) => {
    if (f.wireType !== WireType.Len) {
      g.copy(bytes, f);
      return;
    }
    switch (f.field) {
      case F.Graph.node:
        if (keep.has(nodeIndex)) g.copy(bytes, f);
        nodeIndex++;
        break;
      case F.Graph.initializer: {
        // Read only the name; the data is copied, never decoded.
        const name = firstStringField(bytes, f, F.Tensor.name);
        if (needed.has(name)) g.copy(bytes, f);
        break;
      }
      case F.Graph.sparseInitializer:
        if (needed.has(sparseName(bytes, f))) g.copy(bytes, f);
        break;
      case F.Graph.input:
        if (needed.has(firstStringField(bytes, f, F.ValueInfo.name))) g.copy(bytes, f);
        break;
      case F.Graph.output:
        if (!placed) g.append(outs);
        placed = true;
        break;
      case F.Graph.valueInfo:
        if (alive.has(firstStringField(bytes, f, F.ValueInfo.name))) g.copy(bytes, f);
        break;
      case F.Graph.quantizationAnnotation:
        if (alive.has(firstStringField(bytes, f, F.TensorAnnotation.tensorName))) g.copy(bytes, f);
        break;
      default:
        g.copy(bytes, f);
    }
  });
  if (!placed) g.append(outs);
  return rewriteModel(model, g, [F.Model.trainingInfo]);
}
