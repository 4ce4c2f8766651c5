/**
 * `diffprobe cka --a a.npy --b b.npy [--method linear | minibatch] [--batch 256]`: the linear CKA
 * of two representations of the same examples. Rows (the first axis) are examples; any further
 * axes are flattened into features. `linear` is the full-data estimator (feature or Gram form,
 * chosen by shape); `minibatch` the unbiased minibatch estimator over consecutive rows.
 */
import { readFileSync } from 'node:fs';
import { linearCka, minibatchCka } from '../../src/core/cka';
import type { Matrix } from '../../src/core/linalg/matrix';
import { parseNpy } from '../../src/core/npy';
import { choiceArg, intArg, valueArg } from '../shared/args';
import { LIMITS } from '../shared/limits';
import { CliError, firstLine } from '../shared/errors';
import type { Io } from '../shared/io';

export type CkaCliMethod = 'linear' | 'minibatch';

export interface CkaOptions {
  a: string;
  b: string;
  method: CkaCliMethod;
  batch: number;
}

export interface CkaResult {
  cka: number;
  method: CkaCliMethod;
  n: number;
  dA: number;
  dB: number;
  batch?: number;
}

export const CKA_METHODS: readonly CkaCliMethod[] = ['linear', 'minibatch'];

/** Parses `cka`'s arguments (without the command name). */
export function parseCkaArgs(args: readonly string[]): CkaOptions {
  let a: string | undefined;
  let b: string | undefined;
  let method: CkaCliMethod = 'linear';
  let batch = 256;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--a') a = valueArg(flag, args[++i]);
    else if (flag === '--b') b = valueArg(flag, args[++i]);
    else if (flag === '--method') method = choiceArg(flag, args[++i], CKA_METHODS);
    else if (flag === '--batch') batch = intArg(flag, args[++i], LIMITS.ckaBatch);
    else throw new CliError(`cka: unknown option ${flag}`);
  }
  if (a === undefined || b === undefined)
    throw new CliError('cka: give --a <a.npy> and --b <b.npy>');
  return { a, b, method, batch };
}

/** An .npy file as an n×d matrix (rows = first axis, the rest flattened). */
export function readRows(path: string): { data: Matrix; n: number; d: number } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError(`${path}: ${firstLine(e)}`);
  }
  let arr;
  try {
    arr = parseNpy(bytes);
  } catch (e) {
    throw new CliError(`${path}: ${firstLine(e)}`);
  }
  if (arr.shape.length < 1) throw new CliError(`${path}: a scalar has no rows`);
  const n = arr.shape[0]!;
  const d = arr.shape.slice(1).reduce((p, v) => p * v, 1);
  let data: Matrix;
  if (arr.dtype === 'float32' || arr.dtype === 'float16' || arr.dtype === 'float64')
    data = arr.data;
  else if (arr.dtype === 'int64') data = Float64Array.from(arr.data, (v) => Number(v));
  else data = Float64Array.from(arr.data);
  if (n < 1 || d < 1)
    throw new CliError(`${path}: shape [${arr.shape.join(', ')}] holds no values`);
  return { data, n, d };
}

export function cka(opts: CkaOptions): CkaResult {
  const A = readRows(opts.a);
  const B = readRows(opts.b);
  if (A.n !== B.n) {
    throw new CliError(`the files have different numbers of rows (examples): ${A.n} and ${B.n}`);
  }
  try {
    const value =
      opts.method === 'linear'
        ? linearCka(A.data, B.data, A.n, A.d, B.d)
        : minibatchCka(A.data, B.data, A.n, A.d, B.d, opts.batch);
    return {
      cka: value,
      method: opts.method,
      n: A.n,
      dA: A.d,
      dB: B.d,
      ...(opts.method === 'minibatch' ? { batch: opts.batch } : {}),
    };
  } catch (e) {
    throw new CliError(firstLine(e));
  }
}

/** Runs `cka` with its arguments; prints the result as JSON. */
export function ckaCommand(args: readonly string[], io: Io): void {
  io.out(JSON.stringify(cka(parseCkaArgs(args))) + '\n');
}
