/**
 * In-graph pooling of block outputs: each requested activation [B, C, H, W] becomes
 * AveragePool(kernel = stride = [H/p, W/p]) → [B, C, p, p] inside the graph, which is exactly
 * adaptive average pooling when p divides H and W. The runtime then pools where the tensor
 * already is (on the GPU with WebGPU, in the kernel's threads on WASM) and copies p×p values per
 * channel back instead of the whole map. Outputs whose size p does not divide stay full-size
 * (the caller pools them). Float16 activations are cast to float32 first.
 */
import { rewriteModel, typeGuesser, writeValueInfo, OnnxEditError } from './edit';
import { F, parseModel } from './model';
import { forEachField, Writer } from './wire';

const ELEM_FLOAT16 = 10;
const ATTR_INTS = 7;
const ATTR_INT = 2;

export interface PoolTarget {
  /** Graph output name of the block activation. */
  name: string;
  height: number;
  width: number;
}

/** The graph output that carries `name` pooled to p×p. */
export function pooledName(name: string, pool: number): string {
  return `${name}::pool${pool}`;
}

/** Whether adaptive average pooling of H×W to p×p is one AveragePool (p divides both sides). */
export function poolsInGraph(height: number, width: number, pool: number): boolean {
  return pool > 0 && height % pool === 0 && width % pool === 0 && height >= pool && width >= pool;
}

function writeNode(
  w: Writer,
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: { name: string; ints?: number[]; i?: number }[],
): void {
  w.message(F.Graph.node, (n) => {
    for (const i of inputs) n.string(F.Node.input, i);
    for (const o of outputs) n.string(F.Node.output, o);
    n.string(F.Node.name, `diffprobe/${outputs[0]!}`);
    n.string(F.Node.opType, opType);
    for (const a of attrs) {
      n.message(F.Node.attribute, (aw) => {
        aw.string(F.Attribute.name, a.name);
        if (a.ints) aw.packedInts(F.Attribute.ints, a.ints).int(F.Attribute.type, ATTR_INTS);
        else aw.int(F.Attribute.i, a.i ?? 0).int(F.Attribute.type, ATTR_INT);
      });
    }
  });
}

/**
 * A model whose graph outputs are `outputs` in order, where every target that pools in the graph
 * is replaced by its pooled tensor (named by `pooledName`). Every other output must already be
 * a graph output of `bytes` (cut the graph first). Returns the bytes and the graph output name
 * for each requested output.
 */
export function withPooledOutputs(
  bytes: Uint8Array,
  outputs: readonly string[],
  targets: readonly PoolTarget[],
  pool: number,
): { bytes: Uint8Array; names: Record<string, string> } {
  const model = parseModel(bytes);
  const { graph } = model;
  const byName = new Map(targets.map((t) => [t.name, t]));
  const existing = new Map(graph.outputs.map((o) => [o.name, o]));
  const guess = typeGuesser(graph);
  const names: Record<string, string> = {};
  const nodes = new Writer();
  const outs = new Writer();
  for (const name of outputs) {
    const out = existing.get(name);
    if (!out) throw new OnnxEditError(`"${name}" is not a graph output of this model`);
    const t = byName.get(name);
    if (!t || !poolsInGraph(t.height, t.width, pool)) {
      names[name] = name;
      outs.raw(bytes.subarray(out.range.start, out.range.end));
      continue;
    }
    const pooled = pooledName(name, pool);
    let source = name;
    if (guess(name) === ELEM_FLOAT16) {
      source = `${pooled}::f32`;
      writeNode(nodes, 'Cast', [name], [source], [{ name: 'to', i: 1 }]);
    }
    const kernel = [t.height / pool, t.width / pool];
    writeNode(
      nodes,
      'AveragePool',
      [source],
      [pooled],
      [
        { name: 'kernel_shape', ints: kernel },
        { name: 'strides', ints: kernel },
      ],
    );
    names[name] = pooled;
    const batch = out.shape?.[0];
    const channels = out.shape?.[1];
    outs.message(F.Graph.output, (v) =>
      writeValueInfo(
        v,
        pooled,
        1,
        out.shape ? [batch ?? null, channels ?? null, pool, pool] : undefined,
      ),
    );
  }
  const g = new Writer();
  const { contentRange } = graph;
  forEachField(bytes, contentRange.start, contentRange.end, (f) => {
    if (f.field !== F.Graph.output) g.copy(bytes, f);
  });
  g.append(nodes);
  g.append(outs);
  return { bytes: rewriteModel(model, g), names };
}
