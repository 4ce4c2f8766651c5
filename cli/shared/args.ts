/** Reading the commands' option values; every problem is a CliError naming the flag. */
import { availableParallelism } from 'node:os';
import { CliError } from './errors';

/** The value after `flag`; nothing, or another --flag, is an error. */
export function valueArg(flag: string, value: string | undefined): string {
  if (value === undefined || value.startsWith('--')) throw new CliError(`${flag} needs a value`);
  return value;
}

/** A safe integer ≥ `min`. */
export function intArg(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isSafeInteger(n) || n < min) {
    const bound = min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : '';
    throw new CliError(`${flag} needs an integer${bound}, got ${value ?? 'nothing'}`);
  }
  return n;
}

/** One of `choices`, e.g. `--noise must be "seeded" or "none"`. */
export function choiceArg<const T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T {
  if (value === undefined || !(choices as readonly string[]).includes(value)) {
    const list = choices.slice(0, -1).join(', ') + ` or ${choices.at(-1)}`;
    throw new CliError(`${flag} must be ${list}, got ${value ?? 'nothing'}`);
  }
  return value as T;
}

/** The default onnxruntime thread count: this machine's cores, at most 4. */
export function defaultThreads(): number {
  return Math.min(4, availableParallelism());
}
