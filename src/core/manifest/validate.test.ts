import { describe, expect, it } from 'vitest';
import { assertSupportedSchema } from './jsonSchema';
import type { CosineSchedule, LinearSchedule, NoiseSchedule } from '../schedule';
import type {
  BlockInfo,
  ConditioningInput,
  EncoderInfo,
  ExternalDataFile,
  ImageInfo,
  ModelInputs,
  ModelManifest,
  ModelOutputs,
} from './types';
import { manifestSchema, validateManifest } from './validate';

/** A valid diffusion manifest: 9 encoder blocks, 1 middle, 9 decoder blocks at 32×32. */
function diffusionManifest(): Record<string, unknown> & ModelManifest {
  const blocks: BlockInfo[] = Array.from({ length: 19 }, (_, i) => {
    const index = i + 1;
    const stage = index < 10 ? 'encoder' : index === 10 ? 'middle' : 'decoder';
    const size =
      stage === 'encoder'
        ? 32 >> Math.floor(i / 3)
        : stage === 'middle'
          ? 4
          : 4 << Math.floor((i - 10) / 3);
    return {
      index,
      stage,
      channels: 64,
      height: size,
      width: size,
      output: `block_${index}`,
      ...(stage === 'decoder' ? { mirror: 20 - index } : {}),
    };
  });
  return {
    schemaVersion: 1,
    id: 'fmnist-adm-s',
    title: 'Fashion-MNIST ADM (small)',
    kind: 'diffusion',
    license: 'MIT',
    provenance: 'trained with tools/diffprobe_tools/train.py',
    file: 'model.onnx',
    sha256: 'a'.repeat(64),
    bytes: 7_000_000,
    image: { size: 32, channels: 1, range: [-1, 1], pad: '28→32 with -1' },
    inputs: { x: 'x', t: 't', tDtype: 'float32' },
    outputs: { eps: 'eps' },
    schedule: { kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 },
    blocks,
    parameters: 1_742_881,
    training: { steps: 661, finalLoss: 0.036 },
  };
}

function classifierManifest(): Record<string, unknown> & ModelManifest {
  const m = diffusionManifest();
  delete m.schedule;
  return {
    ...m,
    kind: 'classifier',
    inputs: { x: 'pixels' },
    outputs: { logits: 'logits' },
    classes: ['a', 'b'],
    blocks: m.blocks.slice(0, 3).map((b) => ({ ...b, stage: 'layer' as const })),
  };
}

/** The errors for a manifest edited by `edit`. */
function errorsOf(
  edit: (m: ReturnType<typeof diffusionManifest>) => void,
  base = diffusionManifest(),
): string[] {
  edit(base);
  const r = validateManifest(base);
  return r.ok ? [] : r.errors;
}

describe('validateManifest: valid manifests', () => {
  it('accepts a 19-block diffusion manifest and returns it typed', () => {
    const r = validateManifest(diffusionManifest());
    expect(r).toEqual({ ok: true, manifest: diffusionManifest() });
    if (r.ok) expect(r.manifest.blocks.filter((b) => b.stage === 'middle')).toHaveLength(1);
  });

  it('accepts a classifier manifest (no schedule, t or eps)', () => {
    expect(validateManifest(classifierManifest()).ok).toBe(true);
  });

  it('accepts a manifest that went through JSON text', () => {
    expect(validateManifest(JSON.parse(JSON.stringify(diffusionManifest()))).ok).toBe(true);
  });
});

describe('validateManifest: schema errors name the path and the problem', () => {
  it('rejects non-objects', () => {
    expect(validateManifest(null)).toEqual({ ok: false, errors: ['(root): must be an object'] });
    expect(validateManifest([])).toEqual({ ok: false, errors: ['(root): must be an object'] });
  });

  it('rejects unknown properties, at the top and inside blocks', () => {
    expect(errorsOf((m) => (m.colour = 'red'))).toEqual(['colour: is not a known property']);
    expect(errorsOf((m) => Object.assign(m.blocks[2]!, { size: 3 }))).toEqual([
      'blocks[2].size: is not a known property',
    ]);
  });

  it('reports missing fields and bad values', () => {
    expect(errorsOf((m) => delete (m as Partial<ModelManifest>).sha256)).toEqual([
      'sha256: is required',
    ]);
    expect(errorsOf((m) => (m.blocks[3]!.channels = 0))).toEqual([
      'blocks[3].channels: must be an integer ≥ 1',
    ]);
    expect(errorsOf((m) => (m.blocks[3]!.channels = 2.5))).toEqual([
      'blocks[3].channels: must be an integer ≥ 1',
    ]);
    expect(errorsOf((m) => Object.assign(m, { schemaVersion: 2 }))).toEqual([
      'schemaVersion: must be 1',
    ]);
    expect(errorsOf((m) => Object.assign(m, { kind: 'gan' }))).toEqual([
      "kind: must be one of 'diffusion', 'classifier'",
    ]);
    expect(errorsOf((m) => (m.id = 'Bad Id'))).toEqual([
      'id: must be a string matching ^[a-z0-9][a-z0-9._-]{0,63}$',
    ]);
    expect(errorsOf((m) => (m.file = 'dir/model.onnx'))).toEqual([
      'file: must be a string matching ^[^/\\\\]+\\.onnx$',
    ]);
    expect(errorsOf((m) => (m.sha256 = 'ABC'))).toEqual([
      'sha256: must be a string matching ^[0-9a-f]{64}$',
    ]);
    expect(errorsOf((m) => (m.title = ''))).toEqual(['title: must be a non-empty string']);
    expect(errorsOf((m) => Object.assign(m.image, { channels: 2, range: [-1] }))).toEqual([
      'image.channels: must be one of 1, 3',
      'image.range: must have exactly 2 items, found 1',
    ]);
    expect(errorsOf((m) => Object.assign(m.schedule!, { betaStart: 0 }))).toEqual([
      'schedule.betaStart: must be a number > 0',
    ]);
    expect(errorsOf((m) => Object.assign(m.schedule!, { betaEnd: 1 }))).toEqual([
      'schedule.betaEnd: must be a number < 1',
    ]);
    expect(errorsOf((m) => (m.blocks = []))).toEqual([
      'blocks: must have at least 1 item, found 0',
    ]);
    expect(
      errorsOf((m) => (m.externalData = [{ file: 'w.bin', sha256: 'f'.repeat(64), bytes: 0 }])),
    ).toEqual(['externalData[0].bytes: must be an integer ≥ 1']);
  });
});

describe('validateManifest: semantic rules', () => {
  it('a diffusion model needs schedule, inputs.t and outputs.eps', () => {
    expect(
      errorsOf((m) => {
        delete m.schedule;
        delete m.inputs.t;
        m.outputs = {};
      }),
    ).toEqual([
      'schedule: is required for a diffusion model',
      'inputs.t: is required for a diffusion model',
      'outputs.eps: is required for a diffusion model',
    ]);
  });

  it('a diffusion model runs encoder…, exactly one middle, decoder…', () => {
    const order = 'stages must run encoder…, then one middle, then decoder…';
    expect(errorsOf((m) => (m.blocks[12]!.stage = 'encoder'))).toEqual([
      `blocks[12].stage: an encoder block cannot follow the middle or a decoder block; ${order}`,
    ]);
    expect(errorsOf((m) => (m.blocks[9]!.stage = 'decoder'))).toEqual([
      `blocks[9].stage: a decoder block cannot come before the middle block; ${order}`,
      'blocks: a diffusion model needs exactly one middle block, found 0',
    ]);
    expect(errorsOf((m) => (m.blocks[10]!.stage = 'middle'))).toEqual([
      'blocks: a diffusion model needs exactly one middle block, found 2',
    ]);
    expect(errorsOf((m) => (m.blocks[0]!.stage = 'layer'))).toEqual([
      "blocks[0].stage: 'layer' is not a diffusion U-Net stage (use encoder, middle or decoder)",
    ]);
    expect(
      errorsOf((m) => {
        m.blocks[9]!.stage = 'decoder';
        m.blocks[15]!.stage = 'middle';
      }),
    ).toEqual([
      `blocks[9].stage: a decoder block cannot come before the middle block; ${order}`,
      `blocks[15].stage: the middle block cannot follow a decoder block; ${order}`,
    ]);
  });

  it('a classifier needs classes and outputs.logits', () => {
    const base = classifierManifest();
    delete base.classes;
    base.outputs = {};
    expect(errorsOf(() => undefined, base)).toEqual([
      'classes: is required for a classifier',
      'outputs.logits: is required for a classifier',
    ]);
  });

  it('block indices are exactly 1..n in order; mirrors name a block', () => {
    expect(errorsOf((m) => (m.blocks[4]!.index = 6))).toEqual([
      'blocks[4].index: must be 5 (blocks are numbered 1..n in order), found 6',
    ]);
    expect(
      errorsOf((m) => {
        [m.blocks[0], m.blocks[1]] = [m.blocks[1]!, m.blocks[0]!];
      }),
    ).toEqual([
      'blocks[0].index: must be 1 (blocks are numbered 1..n in order), found 2',
      'blocks[1].index: must be 2 (blocks are numbered 1..n in order), found 1',
    ]);
    expect(errorsOf((m) => (m.blocks[18]!.mirror = 20))).toEqual([
      'blocks[18].mirror: must be the index of another block (1..19), found 20',
    ]);
  });

  it('output names are unique and differ from outputs.eps / outputs.logits', () => {
    expect(errorsOf((m) => (m.blocks[7]!.output = 'block_3'))).toEqual([
      "blocks[7].output: 'block_3' is already the output named by blocks[2].output",
    ]);
    expect(errorsOf((m) => (m.blocks[0]!.output = 'eps'))).toEqual([
      "blocks[0].output: 'eps' is already the output named by outputs.eps",
    ]);
    expect(errorsOf((m) => (m.outputs = { eps: 'y', logits: 'y' }))).toEqual([
      "outputs.logits: 'y' is already the output named by outputs.eps",
    ]);
  });

  it('schedule.betaStart < betaEnd', () => {
    expect(
      errorsOf((m) => Object.assign(m.schedule!, { betaStart: 0.02, betaEnd: 0.0001 })),
    ).toEqual(['schedule: betaStart (0.02) must be less than betaEnd (0.0001)']);
  });
});

// ---- the TypeScript types and the schema describe the same fields ----

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** Every key of T, marked true when required: compiles only if the list is complete and exact. */
type KeyTable<T> = { [K in keyof T]-?: K extends RequiredKeys<T> ? true : false };

/** Every key of either schedule kind; those of one kind only are optional in the schema. */
type ScheduleKeys = Pick<NoiseSchedule, 'kind' | 'T'> &
  Partial<Pick<LinearSchedule, 'betaStart' | 'betaEnd'>> &
  Pick<CosineSchedule, 's' | 'maxBeta'>;

const tables: [string[], Record<string, boolean>][] = [
  [
    [],
    {
      schemaVersion: true,
      id: true,
      title: true,
      description: false,
      kind: true,
      license: true,
      provenance: true,
      file: true,
      sha256: true,
      bytes: true,
      externalData: false,
      dtype: false,
      image: true,
      encoder: false,
      inputs: true,
      outputs: false,
      schedule: false,
      blocks: true,
      parameters: true,
      flops: false,
      classes: false,
      architecture: false,
      training: false,
      quality: false,
    } satisfies KeyTable<ModelManifest>,
  ],
  [
    ['properties', 'blocks', 'items'],
    {
      index: true,
      stage: true,
      channels: true,
      height: true,
      width: true,
      output: true,
      module: false,
      mirror: false,
      flopsUpTo: false,
    } satisfies KeyTable<BlockInfo>,
  ],
  [
    ['properties', 'image'],
    {
      size: true,
      channels: true,
      range: true,
      normalization: false,
      pad: false,
    } satisfies KeyTable<ImageInfo>,
  ],
  [
    ['properties', 'inputs'],
    { x: true, t: false, tDtype: false, conditioning: false } satisfies KeyTable<ModelInputs>,
  ],
  [
    ['properties', 'inputs', 'properties', 'conditioning', 'items'],
    {
      name: true,
      role: true,
      dtype: true,
      classes: false,
      shape: false,
    } satisfies KeyTable<ConditioningInput>,
  ],
  [['properties', 'outputs'], { eps: false, logits: false } satisfies KeyTable<ModelOutputs>],
  [
    ['properties', 'schedule'],
    {
      kind: true,
      T: true,
      betaStart: false,
      betaEnd: false,
      s: false,
      maxBeta: false,
    } satisfies KeyTable<ScheduleKeys>,
  ],
  [
    ['properties', 'encoder'],
    {
      file: true,
      sha256: true,
      bytes: true,
      input: false,
      output: false,
      scale: true,
      latent: true,
    } satisfies KeyTable<EncoderInfo>,
  ],
  [
    ['properties', 'externalData', 'items'],
    { file: true, sha256: true, bytes: true } satisfies KeyTable<ExternalDataFile>,
  ],
];

describe('manifest types match manifest.schema.json', () => {
  it('uses only keywords the interpreter implements', () => {
    expect(() => assertSupportedSchema(manifestSchema)).not.toThrow();
  });

  it.each(tables)('properties and required keys at %j', (path, table) => {
    let node: unknown = manifestSchema;
    for (const key of path) node = (node as Record<string, unknown>)[key];
    const schema = node as { properties: Record<string, unknown>; required?: string[] };
    expect(Object.keys(table).sort()).toEqual(Object.keys(schema.properties).sort());
    const required = Object.keys(table).filter((k) => table[k]);
    expect(required.sort()).toEqual([...(schema.required ?? [])].sort());
  });
});
