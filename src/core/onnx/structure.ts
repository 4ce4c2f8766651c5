/**
 * Blocks of any U-Net from its structure (docs/models.md, "Blocks from structure"):
 *
 * 1. Module paths: the model's top-level modules, with numbered lists standing for their
 *    elements (`inp.0`, `inp.1`, …, `mid`, `out.0`, …), are the candidate blocks. One that holds
 *    two or more skip sources (or skip Concats) is split into its own elements, cut after each
 *    skip source and before each skip Concat (`downs.0.0`, `downs.0.1`, `downs.0.2`).
 *    A block's tensor is the last one it hands to the rest of the graph.
 * 2. The graph puts them in order and in stages: what ends before the last skip source is the
 *    encoder, what starts from the first skip Concat the decoder, what lies between the middle
 *    (one block); modules that do not carry the image (the timestep MLP) and the output head are
 *    left out. Each decoder block mirrors the encoder block its skip Concat reads.
 * 3. Without module paths, the skips alone: each skip source is an encoder block, the first
 *    Concat's other input the middle, each later Concat's other input (and the head's input) a
 *    decoder block.
 */
import type { OnnxGraph, OnnxNode } from './model';
import { graphFacts, isAlias, sourceNode, tensorPosition, type GraphFacts } from './graphFacts';
import { ModuleTree, modulePath } from './modulePaths';

export type StructureStage = 'encoder' | 'middle' | 'decoder';

export interface StructureBlock {
  readonly stage: StructureStage;
  readonly name: string;
  readonly output: string;
  /** For a decoder block: the position (0-based, in the returned list) of the block it mirrors. */
  readonly mirror?: number;
  /** Resolution relative to the input as a power of two (0 = same, −1 = half); null: unknown. */
  readonly level: number | null;
}

export interface StructureProposal {
  readonly source: 'module-paths' | 'skips' | 'none';
  readonly blocks: readonly StructureBlock[];
  readonly reason?: string;
}

/** The most blocks a proposal holds: it is a short list to review, never every tensor. */
export const MAX_BLOCKS = 64;

interface Candidate {
  name: string;
  nodes: number[];
  /** The top-level list the candidate comes from ('' for a single module). */
  list: string;
  /** Its tensor before aliases are followed, and after. */
  tensor: string;
  output: string;
  end: number;
}

/**
 * Follows value-preserving aliases: when a tensor's only reader is an Identity, or a Cast to
 * float32, the block's value is that reader's output too (ADM's GroupNorm32 does `x.float()`).
 * It never steps onto a tensor in `stop`: the model's prediction (a block is never the model's
 * output), or another block's own tensor.
 */
export function followAliases(
  t: string,
  readers: ReadonlyMap<string, readonly number[]>,
  nodes: readonly OnnxNode[],
  stop: ReadonlySet<string | undefined> = new Set(),
): string {
  let cur = t;
  for (let guard = 0; guard < 16; guard++) {
    const r = readers.get(cur);
    if (!r || r.length !== 1) break;
    const n = nodes[r[0]!]!;
    const next = n.outputs[0];
    if (!isAlias(n) || next === undefined || next === '' || stop.has(next)) break;
    cur = next;
  }
  return cur;
}

/** The last image tensor of `nodes` that the rest of the graph reads (or a graph output). */
function lastTensor(
  graph: OnnxGraph,
  f: GraphFacts,
  nodes: readonly number[],
): { tensor: string; end: number } | undefined {
  const inside = new Set(nodes);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  let best: { tensor: string; end: number } | undefined;
  for (const i of nodes) {
    const n = graph.nodes[i]!;
    const pos = f.position[i]!;
    for (const o of n.outputs) {
      if (o === '' || !f.data.has(o)) continue;
      const leaves = outputs.has(o) || (f.readers.get(o) ?? []).some((r) => !inside.has(r));
      if (leaves && (!best || pos > best.end)) best = { tensor: o, end: pos };
    }
  }
  return best;
}

/** Proposes blocks from module paths and the skip structure; see the module comment. */
export function proposeFromStructure(
  graph: OnnxGraph,
  order: readonly number[],
  sources: readonly string[],
): StructureProposal {
  const f = graphFacts(graph, order, sources);
  const fromPaths = fromModules(graph, f);
  if (fromPaths && fromPaths.length >= 3 && fromPaths.length <= MAX_BLOCKS) {
    return { source: 'module-paths', blocks: fromPaths };
  }
  const fromSkips = fromSkipsAlone(graph, f);
  if (fromSkips.length >= 3) return { source: 'skips', blocks: fromSkips };
  return {
    source: 'none',
    blocks: [],
    reason:
      'found no skip-connection Concats of image tensors and no numbered lists of modules in ' +
      'node names; this does not look like a diffusion U-Net',
  };
}

/** Candidates from module paths (step 1), before stages. */
function candidates(graph: OnnxGraph, f: GraphFacts): Candidate[] {
  const paths = new Map<number, string[]>();
  graph.nodes.forEach((n, i) => {
    if (!n.outputs.some((o) => f.data.has(o))) return;
    const p = modulePath(n.name);
    if (p.length) paths.set(i, p);
  });
  if (paths.size === 0) return [];
  const tree = new ModuleTree(paths.values());
  // Nodes under each module path, in one pass (every prefix of every node's path).
  const under = new Map<string, number[]>();
  for (const [i, p] of paths) {
    for (let k = 1; k <= p.length; k++) {
      const key = p.slice(0, k).join('.');
      const list = under.get(key);
      if (list) list.push(i);
      else under.set(key, [i]);
    }
  }
  const skipSources = new Set(f.skips.map((s) => sourceNode(graph.nodes, f, s.skip)));
  const concatOf = new Map<string, number>(f.skips.map((s, k) => [s.output, k]));
  const concatAt = new Map<number, number>(f.skips.map((s, k) => [s.node, k]));
  const nodesUnder = (prefix: readonly string[]) => under.get(prefix.join('.')) ?? [];
  const sources = (nodes: readonly number[]) => nodes.filter((i) => skipSources.has(i)).length;
  /** How many skip Concats the nodes hold or read. */
  const merges = (nodes: readonly number[]) => {
    const seen = new Set<number>();
    for (const i of nodes) {
      const at = concatAt.get(i);
      if (at !== undefined) seen.add(at);
      for (const t of graph.nodes[i]!.inputs) {
        const k = concatOf.get(t);
        if (k !== undefined) seen.add(k);
      }
    }
    return seen.size;
  };

  const out: Candidate[] = [];
  const add = (name: string, nodes: number[], list: string) => {
    const last = lastTensor(graph, f, nodes);
    if (!last) return;
    const output = followAliases(
      last.tensor,
      f.readers,
      graph.nodes,
      new Set([graph.outputs[0]?.name]),
    );
    out.push({ name, nodes, list, tensor: last.tensor, output, end: last.end });
  };

  const split = (unit: readonly string[], list: string, depth: number) => {
    const nodes = nodesUnder(unit);
    if (nodes.length === 0) return;
    const children = tree.unitsBelow(unit);
    if (depth >= 4 || children.length < 2 || (sources(nodes) < 2 && merges(nodes) < 2)) {
      add(unit.join('.'), nodes, list);
      return;
    }
    // Children in execution order; runs cut after a skip source and before a skip Concat.
    const kids = children
      .map((c) => ({ c, nodes: nodesUnder(c) }))
      .filter((k) => k.nodes.length > 0)
      .map((k) => ({
        ...k,
        first: k.nodes.reduce((m, i) => Math.min(m, f.position[i]!), Infinity),
      }))
      .sort((a, b) => a.first - b.first);
    let run: typeof kids = [];
    const flush = () => {
      if (!run.length) return;
      const [first, ...rest] = run;
      const rel = rest.map((k) => k.c.slice(unit.length).join('.'));
      const runNodes = run.flatMap((k) => k.nodes);
      if (run.length === 1 && (sources(runNodes) >= 2 || merges(runNodes) >= 2)) {
        split(first!.c, list, depth + 1);
      } else add([first!.c.join('.'), ...rel].join('+'), runNodes, list);
      run = [];
    };
    for (const k of kids) {
      if (run.length && merges(k.nodes) > 0) flush();
      run.push(k);
      if (sources(k.nodes) > 0) flush();
    }
    flush();
  };

  const top = tree.top();
  const units = tree.unitsBelow(top);
  // Far more modules than a proposal may hold: not a list of blocks (the skips decide).
  if (units.length > 16 * MAX_BLOCKS) return [];
  for (const unit of units) {
    const isElement = unit.length > top.length + 1;
    split(unit, isElement ? unit.slice(0, -1).join('.') : '', 0);
  }
  return out.sort((a, b) => a.end - b.end);
}

/** Step 2: stages, the head and the timestep MLP left out, one middle, mirrors. */
function fromModules(graph: OnnxGraph, f: GraphFacts): StructureBlock[] | undefined {
  let cands = candidates(graph, f);
  if (cands.length === 0) return undefined;
  if (f.headInput !== undefined) {
    const headStart = tensorPosition(f, f.headInput);
    cands = cands.filter((c) => c.end <= headStart);
  }
  const lastSource = Math.max(
    -1,
    ...f.skips.map((s) => f.position[sourceNode(graph.nodes, f, s.skip) ?? -1] ?? -1),
  );
  const firstMerge = f.skips.length ? f.position[f.skips[0]!.node]! : Infinity;
  const sourceOf = new Set(f.skips.map((s) => sourceNode(graph.nodes, f, s.skip)));
  const encoderLists = new Set<string>();
  const decoderLists = new Set<string>();
  for (const c of cands) {
    if (c.list === '') continue;
    if (c.nodes.some((i) => sourceOf.has(i))) encoderLists.add(c.list);
    if (c.end >= firstMerge) decoderLists.add(c.list);
  }

  const stageOf = (c: Candidate): StructureStage => {
    if (f.skips.length === 0) return 'encoder'; // decided by levels below
    if (c.end <= lastSource) return 'encoder';
    if (c.end >= firstMerge) return 'decoder';
    if (encoderLists.has(c.list)) return 'encoder';
    if (decoderLists.has(c.list)) return 'decoder';
    return 'middle';
  };
  let staged = cands.map((c) => ({ c, stage: stageOf(c) }));
  if (f.skips.length === 0) {
    // Without skip Concats the resolution must go down and back up again, as in a U-Net.
    staged = stagesByLevel(staged, f);
    const deepest = Math.min(...staged.map((s) => f.level.get(s.c.output) ?? 0));
    const comesBack = staged.some(
      (s) => s.stage === 'decoder' && (f.level.get(s.c.output) ?? deepest) > deepest,
    );
    if (!comesBack) return undefined;
  }

  // One middle block: several middle modules become one (named after their list when they
  // are all of it); none: the deepest encoder block is the middle.
  const mids = staged.filter((s) => s.stage === 'middle');
  if (mids.length === 0) {
    const lastEnc = staged.filter((s) => s.stage === 'encoder').pop();
    if (!lastEnc) return undefined;
    lastEnc.stage = 'middle';
  } else if (mids.length > 1) {
    const lists = new Set(mids.map((m) => m.c.list));
    const allOfList =
      lists.size === 1 &&
      mids[0]!.c.list !== '' &&
      cands.filter((c) => c.list === mids[0]!.c.list).length === mids.length;
    const last = mids[mids.length - 1]!;
    last.c = {
      ...last.c,
      name: allOfList ? mids[0]!.c.list : mids.map((m) => m.c.name).join('+'),
      nodes: mids.flatMap((m) => m.c.nodes),
    };
    staged = staged.filter((s) => s.stage !== 'middle' || s === last);
  }
  const order = { encoder: 0, middle: 1, decoder: 2 } as const;
  staged.sort((a, b) => order[a.stage] - order[b.stage] || a.c.end - b.c.end);

  const blockOfNode = new Map<number, number>();
  staged.forEach((s, k) => s.c.nodes.forEach((i) => blockOfNode.set(i, k)));
  return staged.map((s, k) => {
    const block: StructureBlock = {
      stage: s.stage,
      name: s.c.name,
      output: s.c.output,
      level: f.level.get(s.c.output) ?? null,
    };
    if (s.stage !== 'decoder') return block;
    const merge = f.skips.find(
      (m) =>
        blockOfNode.get(m.node) === k ||
        (f.readers.get(m.output) ?? []).some((r) => blockOfNode.get(r) === k),
    );
    const source = merge ? sourceNode(graph.nodes, f, merge.skip) : undefined;
    const mirror = source !== undefined ? blockOfNode.get(source) : undefined;
    return mirror !== undefined && staged[mirror]!.stage !== 'decoder'
      ? { ...block, mirror }
      : block;
  });
}

/** Without skip Concats: the encoder goes down to the lowest level, the decoder back up. */
function stagesByLevel<T extends { c: Candidate; stage: StructureStage }>(
  staged: T[],
  f: GraphFacts,
): T[] {
  const levels = staged.map((s) => f.level.get(s.c.output) ?? null);
  const known = levels.filter((l): l is number => l !== null);
  if (!known.length) return staged;
  const min = Math.min(...known);
  const deepest = staged.map((_, i) => i).filter((i) => levels[i] === min);
  // The first deepest block is the one that went down; of the rest, a module named like a
  // middle, else a single (non-list) module, else the one in the middle of the run.
  const pool = deepest.length > 1 ? deepest.slice(1) : deepest;
  const named = pool.filter((i) => /mid|bottleneck|cent(er|re)/i.test(staged[i]!.c.name));
  const single = pool.filter((i) => staged[i]!.c.list === '');
  const mid = named[0] ?? single[0] ?? pool[Math.floor((pool.length - 1) / 2)]!;
  staged.forEach((s, i) => {
    s.stage = i < mid ? 'encoder' : i === mid ? 'middle' : 'decoder';
  });
  return staged;
}

/** Step 3: the skip structure alone. */
function fromSkipsAlone(graph: OnnxGraph, f: GraphFacts): StructureBlock[] {
  if (f.skips.length === 0) return [];
  const alias = (t: string) =>
    followAliases(t, f.readers, graph.nodes, new Set([graph.outputs[0]?.name]));
  const sources = [...new Set(f.skips.map((s) => s.skip))].sort(
    (a, b) => tensorPosition(f, a) - tensorPosition(f, b),
  );
  const blocks: StructureBlock[] = sources.map((t, i) => ({
    stage: 'encoder',
    name: `encoder ${i + 1}`,
    output: alias(t),
    level: f.level.get(t) ?? null,
  }));
  const enc = new Map(sources.map((t, i) => [t, i]));
  const mid = f.skips[0]!.main;
  blocks.push({
    stage: 'middle',
    name: 'middle',
    output: alias(mid),
    level: f.level.get(mid) ?? null,
  });
  const last = f.skips[f.skips.length - 1]!;
  const ends = f.skips.slice(1).map((s) => s.main);
  if (f.headInput !== undefined && tensorPosition(f, f.headInput) > f.position[last.node]!) {
    ends.push(f.headInput);
  }
  ends.forEach((t, j) => {
    blocks.push({
      stage: 'decoder',
      name: `decoder ${j + 1}`,
      output: alias(t),
      level: f.level.get(t) ?? null,
      mirror: enc.get(f.skips[j]!.skip)!,
    });
  });
  return blocks;
}
