/**
 * Proposes the blocks of a diffusion U-Net from its ONNX graph alone (for a model without a
 * manifest), numbered as in the paper: every encoder block, then the middle block, then every
 * decoder block, 1-based.
 *
 * 1. If the graph outputs are named `block_<n>`, those are the blocks.
 * 2. Otherwise the PyTorch module paths that torch.onnx.export writes into node names are used:
 *    guided-diffusion / ADM (`input_blocks.<i>`, `middle_block`, `output_blocks.<i>`) or diffusers
 *    (`conv_in`, `down_blocks.<i>` with `resnets.<j>` / `attentions.<j>` / `downsamplers.<k>`,
 *    `mid_block`, `up_blocks.<i>` …). A block's output is the tensor of its last node in
 *    topological order that is read outside the block.
 * 3. Any other U-Net: its structure (structure.ts): numbered lists of modules in node names, the
 *    skip-connection Concats and resolution changes; without module paths, the skips alone.
 *
 * Shapes come from value_info when the graph states them; otherwise a forward pass finds them.
 */
import {
  findValueInfo,
  parseModel,
  type Dim,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
} from './model';
import { followAliases, proposeFromStructure } from './structure';

export type Stage = 'encoder' | 'middle' | 'decoder' | 'layer';

export interface ProposedBlock {
  /** 1-based, in paper order. */
  readonly index: number;
  readonly stage: Stage;
  /** The module path (e.g. 'input_blocks.3', 'down_blocks.1.resnets.0+attentions.0'), or the output name. */
  readonly name: string;
  /** The tensor that holds the block's activation. */
  readonly output: string;
  /** The shape, when value_info (or the graph outputs) state it. */
  readonly shape?: readonly Dim[];
  /** For a decoder block, the index of the encoder block its skip Concat reads (structure only). */
  readonly mirror?: number;
  /** Resolution relative to the input as a power of two (0 same, −1 half); structure only. */
  readonly level?: number | null;
}

export interface InputRole {
  readonly name: string;
  readonly dtype: string;
  readonly elemType: number;
  readonly shape: readonly Dim[] | undefined;
}

export interface BlockProposal {
  /**
   * Where the blocks came from: `block_<n>` outputs, module paths (a known naming convention in
   * `style`, or any numbered lists of modules read with the skip structure), the skip structure
   * alone, or 'none' when nothing U-Net-like was found.
   */
  readonly source: 'outputs' | 'module-paths' | 'skips' | 'none';
  /** The naming convention recognised in node names: 'generic' when blocks came from structure. */
  readonly style: 'adm' | 'diffusers' | 'generic' | undefined;
  readonly blocks: readonly ProposedBlock[];
  /** Why no blocks were found (set when `blocks` is empty). */
  readonly reason?: string;
  /** The noised-image input (rank 4). */
  readonly image: InputRole | undefined;
  /** The timestep input (named t / timestep / timesteps, or rank 1). */
  readonly timestep: InputRole | undefined;
  /** All real graph inputs (not initializers). */
  readonly inputs: readonly InputRole[];
}

/** Node indices in a topological order; the graph's own order when it is already sorted. */
export function topologicalOrder(graph: OnnxGraph): number[] {
  const nodes = graph.nodes;
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) if (o !== '') producer.set(o, i);
  });
  let sorted = true;
  for (let i = 0; i < nodes.length && sorted; i++) {
    for (const inp of nodes[i]!.inputs) {
      const p = producer.get(inp);
      if (p !== undefined && p >= i) {
        sorted = false;
        break;
      }
    }
  }
  if (sorted) return nodes.map((_, i) => i);
  // Kahn's algorithm, always taking the lowest-index ready node (stable).
  const indeg = new Array<number>(nodes.length).fill(0);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    const deps = new Set<number>();
    for (const inp of n.inputs) {
      const p = producer.get(inp);
      if (p !== undefined && p !== i) deps.add(p);
    }
    indeg[i] = deps.size;
    for (const d of deps) users[d]!.push(i);
  });
  const ready: number[] = [];
  nodes.forEach((_, i) => {
    if (indeg[i] === 0) ready.push(i);
  });
  const order: number[] = [];
  while (ready.length > 0) {
    let k = 0;
    for (let j = 1; j < ready.length; j++) if (ready[j]! < ready[k]!) k = j;
    const i = ready.splice(k, 1)[0]!;
    order.push(i);
    for (const u of users[i]!) {
      indeg[u] = indeg[u]! - 1;
      if (indeg[u] === 0) ready.push(u);
    }
  }
  // A cycle (invalid graph): append the rest in file order.
  if (order.length < nodes.length) {
    const seen = new Set(order);
    nodes.forEach((_, i) => {
      if (!seen.has(i)) order.push(i);
    });
  }
  return order;
}

const TIMESTEP_NAMES = new Set(['t', 'timestep', 'timesteps', 'time', 'sigma', 'noise_level']);

/** The real inputs (not initializers) and which of them are the image and the timestep. */
export function findInputs(graph: OnnxGraph): {
  inputs: InputRole[];
  image: InputRole | undefined;
  timestep: InputRole | undefined;
} {
  const inits = new Set(graph.initializers.map((t) => t.name));
  const inputs: InputRole[] = graph.inputs
    .filter((i) => !inits.has(i.name))
    .map((i) => ({ name: i.name, dtype: i.dtype, elemType: i.elemType, shape: i.shape }));
  const timestep =
    inputs.find((i) => TIMESTEP_NAMES.has(i.name.toLowerCase())) ??
    inputs.find((i) => i.shape?.length === 1);
  const image = inputs.find((i) => i !== timestep && i.shape?.length === 4);
  return { inputs, image, timestep };
}

interface Group {
  stage: Exclude<Stage, 'layer'>;
  /** Sort keys within the stage. */
  major: number;
  minor: number;
  name: string;
  nodes: number[];
}

const ADM_TOP = /(?:^|[/.])(input_blocks|output_blocks)\.(\d+)(?=$|[/.])/;
const ADM_MID = /(?:^|[/.])middle_block(?=$|[/.])/;
const HF_TOP = /(?:^|[/.])(down_blocks|up_blocks)\.(\d+)(?=$|[/.])/;
const HF_MID = /(?:^|[/.])mid_block(?=$|[/.])/;
const HF_CONV_IN = /(?:^|[/.])conv_in(?=$|[/.])/;
const HF_SUB = /(?:^|[/.])(resnets|attentions|downsamplers|upsamplers)\.(\d+)(?=$|[/.])/;

/** The block group key of a node under the ADM convention, or undefined. */
function admGroup(name: string): Omit<Group, 'nodes'> | undefined {
  const m = ADM_TOP.exec(name);
  if (m) {
    const i = Number(m[2]);
    return m[1] === 'input_blocks'
      ? { stage: 'encoder', major: i, minor: 0, name: `input_blocks.${i}` }
      : { stage: 'decoder', major: i, minor: 0, name: `output_blocks.${i}` };
  }
  if (ADM_MID.test(name)) return { stage: 'middle', major: 0, minor: 0, name: 'middle_block' };
  return undefined;
}

/** The block group key of a node under the diffusers convention, or undefined. */
function diffusersGroup(name: string): Omit<Group, 'nodes'> | undefined {
  const m = HF_TOP.exec(name);
  if (m) {
    const i = Number(m[2]);
    const top = `${m[1]}.${i}`;
    const stage = m[1] === 'down_blocks' ? 'encoder' : 'decoder';
    const sub = HF_SUB.exec(name.slice(m.index + m[0].length));
    if (!sub) return undefined; // e.g. the skip Concat of an up block: not a block by itself
    const j = Number(sub[2]);
    if (sub[1] === 'downsamplers' || sub[1] === 'upsamplers') {
      return { stage, major: i, minor: 1_000_000 + j, name: `${top}.${sub[1]}.${j}` };
    }
    return { stage, major: i, minor: j, name: `${top}.resnets.${j}` };
  }
  if (HF_MID.test(name)) return { stage: 'middle', major: 0, minor: 0, name: 'mid_block' };
  if (HF_CONV_IN.test(name)) return { stage: 'encoder', major: -1, minor: 0, name: 'conv_in' };
  return undefined;
}

const STAGE_ORDER: Record<Group['stage'], number> = { encoder: 0, middle: 1, decoder: 2 };

/** Blocks from guided-diffusion or diffusers module paths in node names; none without them. */
function fromModulePaths(graph: OnnxGraph): {
  blocks: ProposedBlock[];
  style: 'adm' | 'diffusers' | undefined;
} {
  const nodes = graph.nodes;
  let adm = 0;
  let hf = 0;
  // Module calls are scopes (`/input_blocks.1/…`); a name without '/' names a tensor, e.g. the
  // converter's `model.input_blocks.0.0.weight__to_fp32` Casts of fp16 weights.
  const scoped = (n: OnnxNode) => n.name.includes('/');
  for (const n of nodes) {
    if (!scoped(n)) continue;
    if (admGroup(n.name)) adm++;
    if (HF_TOP.test(n.name) || HF_MID.test(n.name)) hf++;
  }
  if (adm === 0 && hf === 0) return { blocks: [], style: undefined };
  const style = adm >= hf ? 'adm' : 'diffusers';
  const keyOf = style === 'adm' ? admGroup : diffusersGroup;

  const order = topologicalOrder(graph);
  const position = new Array<number>(nodes.length);
  order.forEach((nodeIndex, pos) => {
    position[nodeIndex] = pos;
  });
  const readers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const inp of n.inputs) {
      const r = readers.get(inp);
      if (r) r.push(i);
      else readers.set(inp, [i]);
    }
  });
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));

  const groups = new Map<string, Group>();
  const groupOfNode = new Map<number, string>();
  nodes.forEach((n, i) => {
    const k = scoped(n) ? keyOf(n.name) : undefined;
    if (!k) return;
    const g = groups.get(k.name) ?? { ...k, nodes: [] };
    g.nodes.push(i);
    groups.set(k.name, g);
    groupOfNode.set(i, k.name);
  });
  const sorted = [...groups.values()].sort(
    (a, b) => STAGE_ORDER[a.stage] - STAGE_ORDER[b.stage] || a.major - b.major || a.minor - b.minor,
  );

  const chosenOf = new Map<Group, string>();
  for (const g of sorted) {
    // The block's output: the last (topologically) node of the group whose output is read
    // outside the group or is a graph output. Constants never count.
    let best: { pos: number; tensor: string } | undefined;
    let fallback: { pos: number; tensor: string } | undefined;
    for (const i of g.nodes) {
      const n = nodes[i]!;
      if (n.opType === 'Constant' || n.outputs.length === 0) continue;
      const pos = position[i]!;
      for (const o of n.outputs) {
        if (o === '') continue;
        if (!fallback || pos > fallback.pos) fallback = { pos, tensor: o };
        const leaves =
          graphOutputs.has(o) || (readers.get(o) ?? []).some((r) => groupOfNode.get(r) !== g.name);
        if (leaves && (!best || pos > best.pos)) best = { pos, tensor: o };
      }
    }
    const chosen = best ?? fallback;
    if (chosen) chosenOf.set(g, chosen.tensor);
  }
  // An alias (Identity, Cast) is followed, but never onto the model's output or onto the
  // tensor another block chose (two blocks never share an output).
  const taken = new Set<string | undefined>([graph.outputs[0]?.name, ...chosenOf.values()]);
  const blocks: ProposedBlock[] = [];
  for (const g of sorted) {
    const tensor = chosenOf.get(g);
    if (tensor === undefined) continue;
    taken.delete(tensor);
    const output = followAliases(tensor, readers, nodes, taken);
    taken.add(tensor);
    const name =
      style === 'diffusers' && g.minor < 1_000_000 && g.stage !== 'middle' && g.major >= 0
        ? pairName(g, nodes)
        : g.name;
    blocks.push(withShape(graph, { index: blocks.length + 1, stage: g.stage, name, output }));
  }
  return { blocks, style };
}

/** 'down_blocks.1.resnets.0+attentions.0' when the group holds an attention too. */
function pairName(g: Group, nodes: readonly OnnxNode[]): string {
  const hasAttention = g.nodes.some((i) =>
    /(?:^|[/.])attentions\.\d+(?=$|[/.])/.test(nodes[i]!.name),
  );
  return hasAttention ? `${g.name}+attentions.${g.minor}` : g.name;
}

function withShape(graph: OnnxGraph, b: ProposedBlock): ProposedBlock {
  const shape = findValueInfo(graph, b.output)?.shape;
  return shape ? { ...b, shape } : b;
}

const BLOCK_OUTPUT = /^block_(\d+)$/;

/**
 * Proposes the blocks of a diffusion U-Net (see the module comment) and finds its image and
 * timestep inputs. Accepts parsed models or bytes.
 */
export function proposeBlocks(modelOrBytes: OnnxModel | Uint8Array): BlockProposal {
  const model = modelOrBytes instanceof Uint8Array ? parseModel(modelOrBytes) : modelOrBytes;
  const { graph } = model;
  const io = findInputs(graph);
  const paths = fromModulePaths(graph);

  const named = graph.outputs
    .map((o) => ({ o, m: BLOCK_OUTPUT.exec(o.name) }))
    .filter((x): x is { o: (typeof graph.outputs)[number]; m: RegExpExecArray } => x.m !== null)
    .map(({ o, m }) => ({ index: Number(m[1]), output: o.name }))
    .sort((a, b) => a.index - b.index);
  if (named.length > 0) {
    const byTensor = new Map(paths.blocks.map((b) => [b.output, b]));
    const n = named.length;
    const blocks = named.map(({ index, output }, k) => {
      const match = byTensor.get(output);
      let stage: Stage;
      if (match) stage = match.stage;
      else if (n % 2 === 1)
        stage = k < (n - 1) / 2 ? 'encoder' : k === (n - 1) / 2 ? 'middle' : 'decoder';
      else stage = 'layer';
      return withShape(graph, { index, stage, name: match?.name ?? output, output });
    });
    return { source: 'outputs', style: paths.style, blocks, ...io };
  }
  if (paths.blocks.length > 0) {
    return { source: 'module-paths', style: paths.style, blocks: paths.blocks, ...io };
  }
  const sources = io.image
    ? [io.image.name]
    : io.inputs.filter((i) => i !== io.timestep && i.elemType === 1).map((i) => i.name);
  const s = proposeFromStructure(graph, topologicalOrder(graph), sources);
  if (s.source === 'none') {
    return { source: 'none', style: undefined, blocks: [], reason: s.reason, ...io };
  }
  const blocks = s.blocks.map((b, k) =>
    withShape(graph, {
      index: k + 1,
      stage: b.stage,
      name: b.name,
      output: b.output,
      level: b.level,
      ...(b.mirror !== undefined ? { mirror: b.mirror + 1 } : {}),
    }),
  );
  return {
    source: s.source,
    style: s.source === 'module-paths' ? 'generic' : undefined,
    blocks,
    ...io,
  };
}
