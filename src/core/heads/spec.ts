/** The four probe heads of the paper (PAPER.md, "Heads") and their parameter counts. */

export type HeadKind = 'linear' | 'mlp' | 'cnn' | 'attention';

export const POOL_SIZES = [1, 2, 4, 8] as const;

export interface LinearSpec {
  kind: 'linear';
  pool: number;
}

export interface MlpSpec {
  kind: 'mlp';
  pool: number;
  /** Widths of the ReLU hidden layers, in order. */
  hidden: number[];
}

export interface CnnSpec {
  kind: 'cnn';
  pool: number;
  /** Output channels of each k×k ('same' padding) convolution + ReLU, in order. */
  channels: number[];
  kernel: number;
}

export interface AttentionSpec {
  kind: 'attention';
  pool: number;
  /** Model width: the 1×1 projection's output channels, the token size. */
  width: number;
  /** Number of transformer (ViT) blocks. */
  depth: number;
  heads: number;
  mlpRatio: number;
}

export type HeadSpec = LinearSpec | MlpSpec | CnnSpec | AttentionSpec;

/** The input of a head: a pooled block activation [C, p, p]. */
export interface HeadInput {
  channels: number;
  pool: number;
}

export function defaultSpec(kind: HeadKind, pool = 2): HeadSpec {
  switch (kind) {
    case 'linear':
      return { kind, pool };
    case 'mlp':
      return { kind, pool, hidden: [256] };
    case 'cnn':
      return { kind, pool, channels: [64], kernel: 3 };
    case 'attention':
      return { kind, pool, width: 64, depth: 2, heads: 8, mlpRatio: 4 };
  }
}

function positiveInt(name: string, v: unknown, max = 1 << 16): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${String(v)}`);
}

/** Throws a RangeError that says what is wrong with a spec. */
export function checkSpec(spec: HeadSpec): void {
  positiveInt('pool', spec.pool, 64);
  switch (spec.kind) {
    case 'linear':
      return;
    case 'mlp':
      if (!Array.isArray(spec.hidden) || spec.hidden.length > 8)
        throw new RangeError('an MLP head has 0 to 8 hidden layers');
      spec.hidden.forEach((h, i) => positiveInt(`hidden layer ${i + 1}`, h));
      return;
    case 'cnn':
      if (!Array.isArray(spec.channels) || spec.channels.length < 1 || spec.channels.length > 8)
        throw new RangeError('a CNN head has 1 to 8 convolutions');
      spec.channels.forEach((c, i) => positiveInt(`convolution ${i + 1} channels`, c));
      positiveInt('kernel', spec.kernel, 7);
      if (spec.kernel % 2 !== 1) throw new RangeError('the kernel size must be odd');
      return;
    case 'attention':
      positiveInt('width', spec.width);
      positiveInt('depth', spec.depth, 12);
      positiveInt('heads', spec.heads, 64);
      positiveInt('MLP ratio', spec.mlpRatio, 16);
      if (spec.width % spec.heads !== 0)
        throw new RangeError(`width ${spec.width} is not divisible by ${spec.heads} heads`);
      return;
    default:
      throw new RangeError(`unknown head kind ${String((spec as { kind: unknown }).kind)}`);
  }
}

/** One trainable tensor of a head: its name and shape (the order the trainer creates them). */
export interface ParamShape {
  name: string;
  shape: number[];
  /** How it starts: PyTorch's default for its layer ('fan' = U(±1/√fanIn)), or a constant. */
  init:
    | { kind: 'fan'; fanIn: number }
    | { kind: 'const'; value: number }
    | { kind: 'normal'; std: number };
}

function dense(name: string, inDim: number, outDim: number): ParamShape[] {
  return [
    { name: `${name}.w`, shape: [inDim, outDim], init: { kind: 'fan', fanIn: inDim } },
    { name: `${name}.b`, shape: [outDim], init: { kind: 'fan', fanIn: inDim } },
  ];
}

function norm(name: string, shape: number[]): ParamShape[] {
  return [
    { name: `${name}.g`, shape, init: { kind: 'const', value: 1 } },
    { name: `${name}.b`, shape, init: { kind: 'const', value: 0 } },
  ];
}

/** Every parameter tensor of a head on input [C, p, p] with `classes` outputs. */
export function paramShapes(spec: HeadSpec, channels: number, classes: number): ParamShape[] {
  checkSpec(spec);
  positiveInt('channels', channels, 1 << 20);
  positiveInt('classes', classes, 1 << 16);
  const p = spec.pool;
  const flat = channels * p * p;
  switch (spec.kind) {
    case 'linear':
      return dense('fc', flat, classes);
    case 'mlp': {
      const out: ParamShape[] = [];
      let d = flat;
      spec.hidden.forEach((h, i) => {
        out.push(...dense(`hidden${i + 1}`, d, h));
        d = h;
      });
      return [...out, ...dense('fc', d, classes)];
    }
    case 'cnn': {
      const out: ParamShape[] = [];
      const k = spec.kernel;
      let c = channels;
      spec.channels.forEach((co, i) => {
        const fanIn = c * k * k;
        out.push(
          { name: `conv${i + 1}.w`, shape: [k, k, c, co], init: { kind: 'fan', fanIn } },
          { name: `conv${i + 1}.b`, shape: [co], init: { kind: 'fan', fanIn } },
        );
        c = co;
      });
      return [...out, ...dense('fc', c * p * p, classes)];
    }
    case 'attention': {
      const w = spec.width;
      const m = w * spec.mlpRatio;
      const out: ParamShape[] = [
        ...norm('ln_in', [channels, p, p]),
        ...dense('proj', channels, w),
        { name: 'cls', shape: [1, 1, w], init: { kind: 'normal', std: 0.02 } },
        { name: 'pos', shape: [1, p * p + 1, w], init: { kind: 'normal', std: 0.02 } },
      ];
      for (let i = 1; i <= spec.depth; i++) {
        out.push(
          ...norm(`block${i}.ln1`, [w]),
          ...dense(`block${i}.qkv`, w, 3 * w),
          ...dense(`block${i}.out`, w, w),
          ...norm(`block${i}.ln2`, [w]),
          ...dense(`block${i}.mlp1`, w, m),
          ...dense(`block${i}.mlp2`, m, w),
        );
      }
      return [...out, ...norm('ln_out', [w]), ...dense('fc', w, classes)];
    }
  }
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** How many numbers the head learns. */
export function paramCount(spec: HeadSpec, channels: number, classes: number): number {
  return paramShapes(spec, channels, classes).reduce((n, s) => n + shapeSize(s.shape), 0);
}

/** A short human description, e.g. "MLP 256-128, pool 2". */
export function describeSpec(spec: HeadSpec): string {
  switch (spec.kind) {
    case 'linear':
      return `Linear, pool ${spec.pool}`;
    case 'mlp':
      return `MLP ${spec.hidden.join('-') || '(no hidden)'}, pool ${spec.pool}`;
    case 'cnn':
      return `CNN ${spec.channels.join('-')} (${spec.kernel}×${spec.kernel}), pool ${spec.pool}`;
    case 'attention':
      return `Attention ${spec.depth}×(width ${spec.width}, ${spec.heads} heads), pool ${spec.pool}`;
  }
}
