import type { ConditioningRecord } from '../conditioning/conditioning';
import { base64ToFloat32, float32ToBase64 } from './base64';
import type { NamedParam } from './init';
import type { TrainConfig } from './optim';
import { checkSpec, paramShapes, shapeSize } from './spec';
import type { HeadSpec } from './spec';
import type { Standardizer } from './standardize';

export const HEAD_FORMAT = 'diffprobe-head';
export const HEAD_VERSION = 1;
/** The most channels a head's input block may have. */
const MAX_CHANNELS = 65_536;

/** A trained head and everything needed to use it again: where its features come from. */
export interface TrainedHead {
  id: string;
  name: string;
  createdAt: string;
  model: { id: string; sha256: string };
  block: number;
  t: number;
  seed: number;
  noise: 'seeded' | 'none';
  /** Channels of the block (the head's input is [channels, pool, pool]). */
  channels: number;
  spec: HeadSpec;
  train: TrainConfig;
  classes: string[];
  standardizer: Standardizer | null;
  accuracy: { test: number; perClass: number[] };
  params: NamedParam[];
  /** What the model's class and context inputs got (absent for an unconditional model). */
  conditioning?: ConditioningRecord[];
}

interface FileParam {
  name: string;
  shape: number[];
  data: string;
}

/** The one-file export of a head (JSON, weights as base64 float32). */
export function serializeHead(head: TrainedHead): string {
  const { params, standardizer, ...rest } = head;
  return JSON.stringify({
    format: HEAD_FORMAT,
    version: HEAD_VERSION,
    ...rest,
    pool: head.spec.pool,
    standardizer: standardizer
      ? { mean: float32ToBase64(standardizer.mean), std: float32ToBase64(standardizer.std) }
      : null,
    params: params.map((p): FileParam => ({
      name: p.name,
      shape: p.shape,
      data: float32ToBase64(p.data),
    })),
  });
}

/**
 * A head file that is refused; the message says why. A RangeError, as the parser's errors were
 * before this class, so callers that catch RangeError keep working.
 */
export class HeadFileError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'HeadFileError';
  }
}

function fail(why: string): never {
  throw new HeadFileError(`not a diffprobe head file: ${why}`);
}

/** Float32 weights from base64, or a HeadFileError naming the tensor. */
function weights(what: string, text: unknown, count: number): Float32Array {
  if (typeof text !== 'string') fail(`${what} must be base64 text`);
  // Checked on the text, before anything is decoded: base64 holds 3 bytes per 4 characters.
  const expected = 4 * Math.ceil((count * 4) / 3);
  if (text.length !== expected)
    fail(`${what} has ${Math.floor((text.length * 3) / 16)} values, not ${count}`);
  try {
    return base64ToFloat32(text);
  } catch (e) {
    fail(`${what}: ${(e as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`"${key}" must be a number`);
  return v;
}

function str(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`"${key}" must be text`);
  return v;
}

/** The training settings a head was made with, checked field by field. */
function trainConfig(v: unknown): TrainConfig {
  if (!isObject(v)) fail('"train" is missing');
  if (v.optimizer !== 'sgd' && v.optimizer !== 'adam')
    fail('"train.optimizer" must be "sgd" or "adam"');
  const s = v.schedule;
  if (!isObject(s) || (s.kind !== 'constant' && s.kind !== 'step' && s.kind !== 'cosine'))
    fail('"train.schedule" must be constant, step or cosine');
  if (s.kind === 'step') ['every', 'gamma'].forEach((k) => num(s, k));
  ['lr', 'momentum', 'weightDecay', 'epochs', 'batchSize', 'seed'].forEach((k) => num(v, k));
  if (typeof v.standardize !== 'boolean') fail('"train.standardize" must be true or false');
  return v as unknown as TrainConfig;
}

/** Reads and checks a head file; every shape must match the spec, or it is refused. */
export function parseHead(text: string): TrainedHead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('it is not JSON');
  }
  if (!isObject(raw)) fail('it is not a JSON object');
  if (raw.format !== HEAD_FORMAT) fail(`"format" is not "${HEAD_FORMAT}"`);
  if (raw.version !== HEAD_VERSION) fail(`version ${String(raw.version)} is not supported`);
  const spec = raw.spec as HeadSpec;
  if (!isObject(spec)) fail('"spec" is missing');
  try {
    checkSpec(spec);
  } catch (e) {
    fail((e as Error).message);
  }
  if (raw.pool !== spec.pool) fail('"pool" does not match the spec');
  const classes = raw.classes;
  if (!Array.isArray(classes) || classes.length < 2 || classes.some((c) => typeof c !== 'string'))
    fail('"classes" must list at least two class names');
  const model = raw.model;
  if (!isObject(model)) fail('"model" is missing');
  const channels = num(raw, 'channels');
  if (!Number.isSafeInteger(channels) || channels < 1 || channels > MAX_CHANNELS)
    fail(`"channels" must be an integer from 1 to ${MAX_CHANNELS}`);
  const shapes = paramShapes(spec, channels, classes.length);
  const params = raw.params;
  if (!Array.isArray(params) || params.length !== shapes.length)
    fail(`the ${spec.kind} head needs ${shapes.length} weight tensors`);
  const named: NamedParam[] = shapes.map((s, i) => {
    const p = params[i] as FileParam;
    if (!isObject(p) || p.name !== s.name) fail(`weight ${i + 1} should be "${s.name}"`);
    if (!Array.isArray(p.shape) || p.shape.join(',') !== s.shape.join(','))
      fail(`"${s.name}" should have shape [${s.shape.join(', ')}]`);
    const data = weights(`"${s.name}"`, p.data, shapeSize(s.shape));
    if (data.length !== shapeSize(s.shape))
      fail(`"${s.name}" has ${data.length} values, not ${shapeSize(s.shape)}`);
    if (data.some((v) => !Number.isFinite(v))) fail(`"${s.name}" holds non-finite values`);
    return { name: s.name, shape: [...s.shape], data };
  });
  const d = channels * spec.pool * spec.pool;
  let standardizer: Standardizer | null = null;
  if (raw.standardizer !== null) {
    const s = raw.standardizer;
    if (!isObject(s)) fail('"standardizer" must be an object or null');
    standardizer = { mean: weights('the mean', s.mean, d), std: weights('the std', s.std, d) };
    if (standardizer.mean.length !== d || standardizer.std.length !== d)
      fail(`the standardiser must have ${d} features`);
  }
  const acc = raw.accuracy;
  if (!isObject(acc)) fail('"accuracy" is missing');
  const noise = raw.noise === 'none' ? 'none' : 'seeded';
  const cond = raw.conditioning;
  if (cond !== undefined && (!Array.isArray(cond) || cond.some((c) => !isObject(c))))
    fail('"conditioning" must list the conditioning inputs');
  return {
    id: str(raw, 'id'),
    name: str(raw, 'name'),
    createdAt: str(raw, 'createdAt'),
    model: { id: str(model, 'id'), sha256: str(model, 'sha256') },
    block: num(raw, 'block'),
    t: num(raw, 't'),
    seed: num(raw, 'seed'),
    noise,
    channels,
    spec,
    train: trainConfig(raw.train),
    classes: classes as string[],
    ...(cond ? { conditioning: cond as ConditioningRecord[] } : {}),
    standardizer,
    accuracy: {
      test: num(acc, 'test'),
      perClass:
        Array.isArray(acc.perClass) && acc.perClass.every((v) => typeof v === 'number')
          ? (acc.perClass as number[])
          : [],
    },
    params: named,
  };
}
