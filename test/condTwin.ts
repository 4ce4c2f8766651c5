/**
 * A class-conditional twin of an ADM U-Net, made by editing its ONNX graph the way guided-diffusion
 * conditions on a class (`emb = time_embed(…) + label_emb(y)`): a new int64 input `y` [B], a label
 * table [classes, D] (nn.Embedding: N(0, 1), seeded), a Gather of its rows by `y` and an Add to the
 * time embedding, which every res block then reads instead. Everything else is copied byte for
 * byte, so the twin does exactly the unconditional model's work plus one Gather and one Add.
 * For the bench (bench/conditioning.ts) and its test (condTwin.test.ts).
 */
import { createHash } from 'node:crypto';
import { normalArray, makeRng } from '../src/core/heads/random';
import type { ModelManifest } from '../src/core/manifest/types';
import { buildGraph } from '../src/core/onnx/build';
import { rewriteModel } from '../src/core/onnx/edit';
import { F, parseModel, tensorNames, type OnnxGraph } from '../src/core/onnx/model';
import { modulePath } from '../src/core/onnx/modulePaths';
import { fieldString, forEachField, Writer, WireType } from '../src/core/onnx/wire';

export interface CondTwinOptions {
  /** Number of classes (rows of the label table); 10 by default. */
  classes?: number;
  /** Seed of the table's N(0, 1) values; 0 by default. */
  seed?: number;
  /** The table itself, row-major [classes, D], instead of seeded values (e.g. zeros). */
  table?: Float32Array;
}

/** The names the twin adds (as torch.onnx.export names an ADM with num_classes). */
export const TWIN = {
  input: 'y',
  table: 'model.label_emb.weight',
  gather: '/label_emb/Gather_output_0',
  sum: '/Add_label_emb_output_0',
} as const;

/** The names of the two nodes the twin adds. */
export const TWIN_NODES = { gather: '/label_emb/Gather', add: '/Add' } as const;

/**
 * The time embedding `emb`: the one tensor made inside the `time_embed` module that nodes
 * outside it read, and its width D (the bias of the MLP's last layer).
 */
export function timeEmbedding(graph: OnnxGraph): { tensor: string; dim: number } {
  const made = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    if (inside(n.name)) for (const o of n.outputs) made.set(o, i);
  });
  const read = new Set<string>();
  for (const n of graph.nodes) {
    if (inside(n.name)) continue;
    for (const i of n.inputs) if (made.has(i)) read.add(i);
  }
  if (read.size !== 1) {
    throw new Error(
      `expected one tensor out of time_embed, found ${read.size} (${[...read].join(', ')})`,
    );
  }
  const tensor = [...read][0]!;
  const producer = graph.nodes[made.get(tensor)!]!;
  const bias = graph.initializers.find(
    (t) => producer.inputs.includes(t.name) && t.dims.length === 1,
  );
  if (!bias) throw new Error(`no bias among the inputs of ${producer.name}: width unknown`);
  return { tensor, dim: bias.dims[0]! };
}

/** The twin's bytes and its label table. */
export function condTwin(
  bytes: Uint8Array,
  opts: CondTwinOptions = {},
): { bytes: Uint8Array; table: Float32Array; emb: string; dim: number } {
  const model = parseModel(bytes);
  const { graph } = model;
  const classes = opts.classes ?? 10;
  const { tensor: emb, dim } = timeEmbedding(graph);
  const taken = tensorNames(graph);
  for (const name of Object.values(TWIN)) {
    if (taken.has(name)) throw new Error(`the model already has a tensor named ${name}`);
  }
  const table = opts.table ?? normalArray(classes * dim, 1, makeRng(opts.seed ?? 0));
  if (table.length !== classes * dim) {
    throw new Error(`the label table needs ${classes}×${dim} values, got ${table.length}`);
  }
  const producer = graph.nodes.findIndex((n) => n.outputs.includes(emb));

  // The new messages, written by the test model builder, then copied into the graph.
  const extra = buildGraph({
    nodes: [
      {
        name: TWIN_NODES.gather,
        opType: 'Gather',
        inputs: [TWIN.table, TWIN.input],
        outputs: [TWIN.gather],
      },
      { name: TWIN_NODES.add, opType: 'Add', inputs: [emb, TWIN.gather], outputs: [TWIN.sum] },
    ],
    inputs: [{ name: TWIN.input, elemType: 7, shape: ['batch'] }],
    outputs: [],
    initializers: [{ name: TWIN.table, dims: [classes, dim], data: table }],
  }).finish();
  const added = { node: new Writer(), initializer: new Writer(), input: new Writer() };
  forEachField(extra, 0, extra.length, (f) => {
    if (f.field === F.Graph.node) added.node.copy(extra, f);
    else if (f.field === F.Graph.initializer) added.initializer.copy(extra, f);
    else if (f.field === F.Graph.input) added.input.copy(extra, f);
  });

  const g = new Writer();
  let nodeIndex = 0;
  const { contentRange } = graph;
  forEachField(bytes, contentRange.start, contentRange.end, (f) => {
    if (f.field !== F.Graph.node || f.wireType !== WireType.Len) {
      g.copy(bytes, f);
      return;
    }
    const node = graph.nodes[nodeIndex]!;
    if (node.inputs.includes(emb) && !inside(node.name)) {
      // A reader of emb outside time_embed: the same node, reading emb + label_emb(y).
      g.message(F.Graph.node, (nw) => {
        forEachField(bytes, f.valueStart, f.valueEnd, (nf) => {
          if (nf.field === F.Node.input && fieldString(bytes, nf) === emb) {
            nw.string(F.Node.input, TWIN.sum);
          } else nw.copy(bytes, nf);
        });
      });
    } else g.copy(bytes, f);
    if (nodeIndex === producer) g.append(added.node);
    nodeIndex++;
  });
  g.append(added.initializer).append(added.input);
  return { bytes: rewriteModel(model, g), table, emb, dim };
}

function inside(nodeName: string): boolean {
  return modulePath(nodeName)[0] === 'time_embed';
}

/**
 * The twin's manifest.json: the unconditional model's, with the twin's file facts, one more
 * input (class `y`, `classes` labels) and the label table's parameters; training and quality
 * facts are left out (the table is not trained).
 */
export function condTwinManifest(
  base: ModelManifest,
  twin: Uint8Array,
  classes: number,
  dim: number,
  id = `${base.id}-class-twin`,
): ModelManifest {
  const rest: ModelManifest = { ...base };
  delete rest.training;
  delete rest.quality;
  return {
    ...rest,
    id,
    title: `${base.title}, class-conditional twin (untrained label table)`,
    provenance: `${base.id} with an ADM label embedding (${classes}×${dim}, seeded N(0, 1)) added to its time embedding by a graph edit (test/condTwin.ts)`,
    sha256: createHash('sha256').update(twin).digest('hex'),
    bytes: twin.byteLength,
    inputs: {
      ...base.inputs,
      conditioning: [{ name: TWIN.input, role: 'class', dtype: 'int64', classes }],
    },
    ...(base.parameters !== undefined ? { parameters: base.parameters + classes * dim } : {}),
  };
}
