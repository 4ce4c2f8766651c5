/**
 * What the data flow of an ONNX U-Net says about its structure, without any names: which tensors
 * carry the image (depend on the image input through data ops, not through Shape), their
 * resolution relative to the input (a level: 0 at the input, −1 after one stride-2 op, +1 after
 * an upsample), the skip-connection Concats and the tensor the output head starts from.
 */
import type { OnnxGraph, OnnxNode } from './model';

/** Ops whose outputs describe a tensor's shape, not its values. */
const SHAPE_OPS = new Set(['Shape', 'Size']);
/** Ops with learned weights: a walk back through "cheap" ops stops at them. */
const PARAM_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Einsum']);
/** Elementwise ops whose inputs may all come from one tensor (SiLU is Mul(x, Sigmoid(x))). */
const ELEMENTWISE = new Set(['Mul', 'Add', 'Sub', 'Div', 'Pow', 'Max', 'Min', 'Where']);

/** A skip connection: a Concat of a tensor kept from earlier (`skip`) with the current one. */
export interface SkipConcat {
  /** Index of the Concat node. */
  readonly node: number;
  readonly skip: string;
  readonly main: string;
  /** The Concat's output. */
  readonly output: string;
}

export interface GraphFacts {
  /** Topological position of each node (by node index). */
  readonly position: readonly number[];
  /** Producing node of each tensor (absent for graph inputs and initializers). */
  readonly producer: ReadonlyMap<string, number>;
  /** Reading nodes of each tensor. */
  readonly readers: ReadonlyMap<string, readonly number[]>;
  /** Tensors that depend on the image input through data ops. */
  readonly data: ReadonlySet<string>;
  /** Resolution level of image tensors (0 = the input's, −1 = half, +1 = double); null when lost. */
  readonly level: ReadonlyMap<string, number | null>;
  /** The skip Concats, in topological order. */
  readonly skips: readonly SkipConcat[];
  /** The tensor the output head starts from (the last decoder block's output), if found. */
  readonly headInput: string | undefined;
}

/** Position of a tensor in topological order: its producer's, or −1 for inputs. */
export function tensorPosition(f: GraphFacts, t: string): number {
  const p = f.producer.get(t);
  return p === undefined ? -1 : f.position[p]!;
}

/** Whether a node passes its input on unchanged (Identity, or a Cast to float32). */
export function isAlias(n: OnnxNode): boolean {
  return (
    n.domain === '' &&
    n.outputs.length === 1 &&
    (n.opType === 'Identity' ||
      (n.opType === 'Cast' && n.attributes.find((a) => a.name === 'to')?.i === 1))
  );
}

/**
 * The node that computed `t`'s value: its producer, or, when that is an alias (exporters name
 * the Cast that starts the next block), the alias's own source.
 */
export function sourceNode(
  nodes: readonly OnnxNode[],
  f: Pick<GraphFacts, 'producer'>,
  t: string,
): number | undefined {
  let p = f.producer.get(t);
  for (let guard = 0; guard < 16 && p !== undefined; guard++) {
    const n = nodes[p]!;
    if (!isAlias(n) || n.inputs[0] === undefined) break;
    const up = f.producer.get(n.inputs[0]);
    if (up === undefined) break;
    p = up;
  }
  return p;
}

function log2Stride(n: OnnxNode): number {
  const s = n.attributes.find((a) => a.name === 'strides')?.ints?.[0] ?? 1;
  return s > 1 ? Math.log2(s) : 0;
}

/** How an op changes the resolution level; null: the output is not spatial any more. */
function levelStep(n: OnnxNode): number | null {
  switch (n.opType) {
    case 'Conv':
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool':
      return -log2Stride(n);
    case 'ConvTranspose':
      return log2Stride(n);
    case 'Resize':
    case 'Upsample':
      return 1; // F.interpolate(scale_factor=2), as in every U-Net we know
    case 'DepthToSpace':
      return Math.log2(n.attributes.find((a) => a.name === 'blocksize')?.i ?? 2);
    case 'SpaceToDepth':
      return -Math.log2(n.attributes.find((a) => a.name === 'blocksize')?.i ?? 2);
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'Flatten':
      return null;
    default:
      return 0;
  }
}

/**
 * Facts about `graph` given its node `order` (topological) and the image input's name (or
 * every float input but the timestep when the image input is not known).
 */
export function graphFacts(
  graph: OnnxGraph,
  order: readonly number[],
  sources: readonly string[],
): GraphFacts {
  const nodes = graph.nodes;
  const position = new Array<number>(nodes.length).fill(0);
  order.forEach((nodeIndex, pos) => {
    position[nodeIndex] = pos;
  });
  const producer = new Map<string, number>();
  const readers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) if (o !== '') producer.set(o, i);
    for (const inp of n.inputs) {
      if (inp === '') continue;
      const r = readers.get(inp);
      if (r) r.push(i);
      else readers.set(inp, [i]);
    }
  });

  const data = new Set<string>(sources);
  const level = new Map<string, number | null>(sources.map((s) => [s, 0]));
  for (const i of order) {
    const n = nodes[i]!;
    if (SHAPE_OPS.has(n.opType)) continue;
    const ins = n.inputs.filter((t) => data.has(t));
    if (ins.length === 0) continue;
    const base = ins.map((t) => level.get(t)).find((l) => l !== null && l !== undefined);
    const step = levelStep(n);
    const l = base === undefined || base === null || step === null ? null : base + step;
    for (const o of n.outputs) {
      if (o === '') continue;
      data.add(o);
      level.set(o, l);
    }
  }

  const facts = { position, producer, readers, data, level, skips: [], headInput: undefined };
  const skips = findSkips(nodes, order, facts);
  const headInput = findHeadInput(graph, { ...facts, skips });
  return { ...facts, skips, headInput };
}

/**
 * Concats of two image tensors at the same level where one was produced well before the other
 * (the kept encoder tensor) and is not a cheap function of it. Concats of shape values, of
 * timestep features (not image data) and of a graph input (the image itself) are not skips.
 */
function findSkips(
  nodes: readonly OnnxNode[],
  order: readonly number[],
  f: Omit<GraphFacts, 'skips' | 'headInput'> & { skips: readonly SkipConcat[] },
): SkipConcat[] {
  const out: SkipConcat[] = [];
  for (const i of order) {
    const n = nodes[i]!;
    if (n.opType !== 'Concat' || n.outputs[0] === undefined) continue;
    const ins = [...new Set(n.inputs.filter((t) => f.data.has(t)))];
    if (ins.length !== 2) continue;
    const facts = f as GraphFacts;
    const [a, b] = ins as [string, string];
    const [skip, main] = tensorPosition(facts, a) < tensorPosition(facts, b) ? [a, b] : [b, a];
    if (!f.producer.has(skip)) continue;
    const ls = f.level.get(skip);
    const lm = f.level.get(main);
    if (ls !== null && lm !== null && ls !== undefined && lm !== undefined && ls !== lm) continue;
    if (cheapAncestors(nodes, facts, main).has(skip)) continue;
    out.push({ node: i, skip, main, output: n.outputs[0] });
  }
  return out;
}

/** The tensors `t` is a cheap (weight-free, single-input) function of, `t` included. */
function cheapAncestors(
  nodes: readonly OnnxNode[],
  f: Pick<GraphFacts, 'producer' | 'data'>,
  t: string,
): Set<string> {
  const seen = new Set<string>([t]);
  let cur = t;
  for (let guard = 0; guard < 64; guard++) {
    const p = f.producer.get(cur);
    if (p === undefined) break;
    const n = nodes[p]!;
    if (PARAM_OPS.has(n.opType) || n.opType === 'Concat') break;
    const ins = n.inputs.filter((x) => f.data.has(x));
    if (ins.length !== 1) break;
    cur = ins[0]!;
    seen.add(cur);
  }
  return seen;
}

/**
 * Walks back from the noise output over the head (its final conv, then norms and activations)
 * to the tensor the head reads: the last decoder block's output. Stops at a weighted op or at a
 * merge of two different tensors (a residual Add, a Concat).
 */
function findHeadInput(graph: OnnxGraph, f: GraphFacts): string | undefined {
  const nodes = graph.nodes;
  const eps = graph.outputs[0]?.name;
  if (eps === undefined || !f.data.has(eps)) return undefined;
  let cur = eps;
  // To the final conv: through what follows it (an alias, the Slice that keeps ε from a
  // learned-variance output), then past it.
  for (let guard = 0; guard < 64; guard++) {
    const p = f.producer.get(cur);
    if (p === undefined) break;
    const n = nodes[p]!;
    const ins = [...new Set(n.inputs.filter((x) => f.data.has(x)))];
    if (ins.length !== 1) break;
    cur = ins[0]!;
    if (PARAM_OPS.has(n.opType)) break;
  }
  for (let guard = 0; guard < 256; guard++) {
    const p = f.producer.get(cur);
    if (p === undefined) break;
    const n = nodes[p]!;
    if (PARAM_OPS.has(n.opType) || n.opType === 'Concat') break;
    const ins = [...new Set(n.inputs.filter((x) => f.data.has(x)))];
    if (ins.length === 1) {
      cur = ins[0]!;
      continue;
    }
    if (ins.length !== 2 || !ELEMENTWISE.has(n.opType)) break;
    // Mul(x, Sigmoid(x)): both sides are cheap functions of one tensor.
    const a = cheapAncestors(nodes, f, ins[0]!);
    const common = [...cheapAncestors(nodes, f, ins[1]!)].find((t) => a.has(t));
    if (common === undefined) break;
    cur = common;
  }
  return cur === eps ? undefined : cur;
}
