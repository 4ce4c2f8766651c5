/** `sweep`'s options and how they are read from the command line. */
import type { FitMode } from '../../src/core/image/prepare';
import { choiceArg, defaultThreads, intArg, show, valueArg } from '../shared/args';
import { parseCondArg, type CondSpec } from '../shared/cond';
import { CliError } from '../shared/errors';
import { LIMITS } from '../shared/limits';
import { parseBlocks } from './extractArgs';

export interface SweepOptions {
  model: string;
  images: string;
  out: string;
  /** Where shard features are stored (default <out>/shards). */
  store: string;
  ts: number[];
  blocks: number[] | 'all';
  pool: number;
  /** Noise, split and training seed. */
  seed: number;
  /** Images per shard. */
  shard: number;
  /** Images per forward pass inside a shard. */
  batch: number;
  epochs: number;
  /** The Heads panel's training recipe: its default (Adam, cosine) or the paper's (SGD, StepLR). */
  recipe: 'default' | 'paper';
  /** Percent of each class in test when the dataset has no train/ + test/ split. */
  testPercent: number;
  fit: FitMode;
  size?: number;
  threads: number;
  /** redis://HOST:PORT: enqueue as a BullMQ flow for `diffprobe worker`s. */
  queue?: string;
  /** Show the progress bar (stderr). */
  progress: boolean;
  /** Values for conditioning inputs (--cond NAME=INTEGER | NAME=FILE.npy), as extract takes them. */
  cond?: CondSpec[];
}

/** "10,50,90": timesteps, each once, in increasing order. */
export function parseTs(value: string | undefined): number[] {
  if (value === undefined || value.trim() === '')
    throw new CliError('--t needs a list, e.g. 10,50,90');
  const ts = value.split(',').map((p) => intArg('--t', p, LIMITS.t));
  return [...new Set(ts)].sort((a, b) => a - b);
}

/** A redis:// or rediss:// URL. */
export function queueArg(value: string | undefined): string {
  const v = valueArg('--queue', value);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new CliError(`--queue needs redis://HOST:PORT, got ${show(v)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new CliError(`--queue needs redis://HOST:PORT, got ${show(v)}`);
  return v;
}

export function parseSweepArgs(args: readonly string[]): SweepOptions {
  const o: Partial<SweepOptions> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = (): string | undefined => args[++i];
    switch (a) {
      case '--model':
        o.model = valueArg(a, next());
        break;
      case '--images':
        o.images = valueArg(a, next());
        break;
      case '--out':
        o.out = valueArg(a, next());
        break;
      case '--store':
        o.store = valueArg(a, next());
        break;
      case '--t':
        o.ts = parseTs(next());
        break;
      case '--blocks':
        o.blocks = parseBlocks(next());
        break;
      case '--pool':
        o.pool = intArg(a, next(), { min: 1, max: LIMITS.pool.max });
        break;
      case '--seed':
        o.seed = intArg(a, next(), LIMITS.seed);
        break;
      case '--shard':
        o.shard = intArg(a, next(), LIMITS.shard);
        break;
      case '--batch':
        o.batch = intArg(a, next(), LIMITS.batch);
        break;
      case '--epochs':
        o.epochs = intArg(a, next(), LIMITS.epochs);
        break;
      case '--recipe':
        o.recipe = choiceArg(a, next(), ['default', 'paper']);
        break;
      case '--test-percent':
        o.testPercent = intArg(a, next(), LIMITS.testPercent);
        break;
      case '--fit':
        o.fit = choiceArg(a, next(), ['crop', 'pad']);
        break;
      case '--size':
        o.size = intArg(a, next(), LIMITS.size);
        break;
      case '--threads':
        o.threads = intArg(a, next(), LIMITS.threads);
        break;
      case '--queue':
        o.queue = queueArg(next());
        break;
      case '--cond':
        (o.cond ??= []).push(parseCondArg(next()));
        break;
      case '--no-progress':
        o.progress = false;
        break;
      default:
        throw new CliError(
          a.startsWith('-')
            ? `sweep: unknown option ${show(a)}`
            : `sweep: unexpected argument ${show(a)}`,
        );
    }
  }
  for (const [key, flag] of [
    ['model', '--model <folder | model.onnx>'],
    ['images', '--images <folder | zip>'],
    ['out', '--out <dir>'],
    ['ts', '--t <list>'],
  ] as const) {
    if (o[key] === undefined) throw new CliError(`sweep: give ${flag}`);
  }
  return {
    model: o.model!,
    images: o.images!,
    out: o.out!,
    store: o.store ?? `${o.out!}/shards`,
    ts: o.ts!,
    blocks: o.blocks ?? 'all',
    pool: o.pool ?? 2,
    seed: o.seed ?? 0,
    shard: o.shard ?? 256,
    batch: o.batch ?? 32,
    epochs: o.epochs ?? 10,
    recipe: o.recipe ?? 'default',
    testPercent: o.testPercent ?? 20,
    fit: o.fit ?? 'crop',
    threads: o.threads ?? defaultThreads(),
    progress: o.progress ?? true,
    ...(o.size !== undefined ? { size: o.size } : {}),
    ...(o.queue !== undefined ? { queue: o.queue } : {}),
    ...(o.cond !== undefined ? { cond: o.cond } : {}),
  };
}
