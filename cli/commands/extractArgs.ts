/** `extract`'s options and how they are read from the command line. */
import type { NoiseMode } from '../../src/core/features/request';
import type { FitMode } from '../../src/core/image/prepare';
import { choiceArg, defaultThreads, intArg, valueArg } from '../shared/args';
import { CliError } from '../shared/errors';
import type { Split } from '../shared/images';

export interface ExtractOptions {
  /** A model folder (model.onnx + manifest.json) or a bare .onnx file. */
  model: string;
  /** A folder or .zip of PNGs. */
  images: string;
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
}

/** "12,14", "1-19", "3,5-7" or "all". */
export function parseBlocks(value: string | undefined): number[] | 'all' {
  if (value === undefined || value.trim() === '')
    throw new CliError('--blocks needs a list, e.g. 12,14 or 1-19 or all');
  if (value.trim() === 'all') return 'all';
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new CliError(`--blocks: cannot read "${part}" (use e.g. 12,14 or 1-19 or all)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new CliError(`--blocks: empty range ${part}`);
    for (let i = a; i <= b; i++) if (!out.includes(i)) out.push(i);
  }
  return out;
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
      case '--out':
        o.out = valueArg(a, args[++i]);
        break;
      case '--t':
        o.t = intArg(a, args[++i], 0);
        break;
      case '--blocks':
        o.blocks = parseBlocks(args[++i]);
        break;
      case '--pool':
        o.pool = intArg(a, args[++i], 0);
        break;
      case '--seed':
        o.seed = intArg(a, args[++i], Number.MIN_SAFE_INTEGER);
        break;
      case '--noise': {
        const v = args[++i];
        if (v !== 'none' && v !== 'seeded') {
          throw new CliError(`--noise must be "seeded" or "none", got ${v ?? 'nothing'}`);
        }
        o.noise = v;
        break;
      }
      case '--batch':
        o.batch = intArg(a, args[++i], 1);
        break;
      case '--split':
        o.split = choiceArg(a, args[++i], ['train', 'test']);
        break;
      case '--size':
        o.size = intArg(a, args[++i], 1);
        break;
      case '--fit':
        o.fit = choiceArg(a, args[++i], ['crop', 'pad']);
        break;
      case '--threads':
        o.threads = intArg(a, args[++i], 1);
        break;
      default:
        throw new CliError(
          a.startsWith('-') ? `extract: unknown option ${a}` : `extract: unexpected argument ${a}`,
        );
    }
  }
  for (const [key, flag] of [
    ['model', '--model <folder | model.onnx>'],
    ['images', '--images <folder | zip>'],
    ['out', '--out <dir>'],
    ['t', '--t <timestep>'],
    ['blocks', '--blocks <list>'],
  ] as const) {
    if (o[key] === undefined) throw new CliError(`extract: give ${flag}`);
  }
  return {
    model: o.model!,
    images: o.images!,
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
  };
}
