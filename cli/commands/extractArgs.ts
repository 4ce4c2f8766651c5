/** `extract`'s options and how they are read from the command line. */
import type { NoiseMode } from '../../src/core/features/request';
import type { FitMode } from '../../src/core/image/prepare';
import { choiceArg, defaultThreads, intArg, show, valueArg } from '../shared/args';
import { parseCondArg, type CondSpec } from '../shared/cond';
import { CliError } from '../shared/errors';
import { LIMITS, showRange } from '../shared/limits';
import type { Split } from '../shared/images';

export interface ExtractOptions {
  /** A model folder (model.onnx + manifest.json) or a bare .onnx file. */
  model: string;
  /** A folder or .zip of PNG, JPEG and WebP images (or --x0). */
  images?: string;
  /** Ready-made x0 rows, float32 [N, C, H, W] in the model's input range (instead of images). */
  x0?: string;
  /** Labels for the --x0 rows: integer [N], −1 for none. */
  labels?: string;
  /** Output folder (created if missing). */
  out: string;
  t: number;
  /** 1-based block numbers, or 'all'. */
  blocks: number[] | 'all';
  /** Pool size p; 0 keeps the full maps. */
  pool: number;
  seed: number;
  noise: NoiseMode;
  /** Images per forward pass. */
  batch: number;
  split?: Split;
  /** Image size for a model whose input size is symbolic (and no manifest says). */
  size?: number;
  /** How images larger than the model's input are fitted. */
  fit: FitMode;
  /** onnxruntime intra-op threads. */
  threads: number;
  /** Values for conditioning inputs (--cond NAME=INTEGER | NAME=FILE.npy). */
  cond?: CondSpec[];
}

/**
 * "12,14", "1-19", "3,5-7" or "all": block numbers in the order given, each once. Linear in the
 * blocks named, which are at most LIMITS.block.max; the model's own count is checked once the
 * model is read.
 */
export function parseBlocks(value: string | undefined): number[] | 'all' {
  if (value === undefined || value.trim() === '')
    throw new CliError('--blocks needs a list, e.g. 12,14 or 1-19 or all');
  if (value.trim() === 'all') return 'all';
  const { min, max } = LIMITS.block;
  const seen = new Set<number>();
  for (const part of value.split(',')) {
    const m = /^\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?$/.exec(part);
    if (!m) {
      throw new CliError(`--blocks: cannot read ${show(part)} (use e.g. 12,14 or 1-19 or all)`);
    }
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new CliError(`--blocks: empty range ${part.trim()}`);
    if (a < min || b > max) {
      throw new CliError(`--blocks: ${part.trim()} is outside ${showRange(LIMITS.block)}`);
    }
    for (let i = a; i <= b; i++) seen.add(i);
  }
  return [...seen];
}

/** Parses `extract`'s arguments (without the command name). */
export function parseExtractArgs(args: readonly string[]): ExtractOptions {
  const o: Partial<ExtractOptions> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    switch (a) {
      case '--model':
        o.model = valueArg(a, args[++i]);
        break;
      case '--images':
        o.images = valueArg(a, args[++i]);
        break;
      case '--x0':
        o.x0 = valueArg(a, args[++i]);
        break;
      case '--labels':
        o.labels = valueArg(a, args[++i]);
        break;
      case '--out':
        o.out = valueArg(a, args[++i]);
        break;
      case '--t':
        o.t = intArg(a, args[++i], LIMITS.t);
        break;
      case '--blocks':
        o.blocks = parseBlocks(args[++i]);
        break;
      case '--pool':
        o.pool = intArg(a, args[++i], LIMITS.pool);
        break;
      case '--seed':
        o.seed = intArg(a, args[++i], LIMITS.seed);
        break;
      case '--noise': {
        const v = args[++i];
        if (v !== 'none' && v !== 'seeded') {
          throw new CliError(
            `--noise must be "seeded" or "none", got ${v === undefined ? 'nothing' : show(v)}`,
          );
        }
        o.noise = v;
        break;
      }
      case '--batch':
        o.batch = intArg(a, args[++i], LIMITS.batch);
        break;
      case '--split':
        o.split = choiceArg(a, args[++i], ['train', 'test']);
        break;
      case '--size':
        o.size = intArg(a, args[++i], LIMITS.size);
        break;
      case '--fit':
        o.fit = choiceArg(a, args[++i], ['crop', 'pad']);
        break;
      case '--threads':
        o.threads = intArg(a, args[++i], LIMITS.threads);
        break;
      case '--cond':
        (o.cond ??= []).push(parseCondArg(args[++i]));
        break;
      default:
        throw new CliError(
          a.startsWith('-')
            ? `extract: unknown option ${show(a)}`
            : `extract: unexpected argument ${show(a)}`,
        );
    }
  }
  if (o.images !== undefined && o.x0 !== undefined) {
    throw new CliError('extract: give --images or --x0, not both');
  }
  if (o.x0 === undefined) {
    if (o.labels !== undefined) throw new CliError('extract: --labels goes with --x0');
  } else if (o.split !== undefined || o.fit !== undefined) {
    throw new CliError(`extract: ${o.split ? '--split' : '--fit'} applies to images, not --x0`);
  }
  for (const [key, flag] of [
    ['model', '--model <folder | model.onnx>'],
    [o.x0 === undefined ? 'images' : 'x0', '--images <folder | zip> (or --x0 FILE.npy)'],
    ['out', '--out <dir>'],
    ['t', '--t <timestep>'],
    ['blocks', '--blocks <list>'],
  ] as const) {
    if (o[key] === undefined) throw new CliError(`extract: give ${flag}`);
  }
  return {
    model: o.model!,
    ...(o.images !== undefined ? { images: o.images } : {}),
    ...(o.x0 !== undefined ? { x0: o.x0 } : {}),
    ...(o.labels !== undefined ? { labels: o.labels } : {}),
    out: o.out!,
    t: o.t!,
    blocks: o.blocks!,
    pool: o.pool ?? 2,
    seed: o.seed ?? 0,
    noise: o.noise ?? 'seeded',
    batch: o.batch ?? 32,
    fit: o.fit ?? 'crop',
    threads: o.threads ?? defaultThreads(),
    ...(o.split !== undefined ? { split: o.split } : {}),
    ...(o.size !== undefined ? { size: o.size } : {}),
    ...(o.cond !== undefined ? { cond: o.cond } : {}),
  };
}
