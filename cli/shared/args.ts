/** Reading the commands' option values; every problem is a CliError naming the flag. */
import { availableParallelism } from 'node:os';
import { CliError } from './errors';
import { showRange, type Range } from './limits';

/** The value after `flag`; nothing, or another --flag, is an error. */
export function valueArg(flag: string, value: string | undefined): string {
  if (value === undefined || value.startsWith('--')) throw new CliError(`${flag} needs a value`);
  return value;
}

/** An integer in `range` (decimal digits, an optional sign; nothing else). */
export function intArg(flag: string, value: string | undefined, range: Range): number {
  const text = value?.trim() ?? '';
  const n = /^[-+]?\d{1,17}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new CliError(
      `${flag} needs an integer from ${showRange(range)}, got ${value === undefined ? 'nothing' : show(value)}`,
    );
  }
  return n;
}

/** A value as a message quotes it: at most 40 characters, on one line. */
export function show(value: string): string {
  const one = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return one;
}

/** One of `choices`, e.g. `--noise must be "seeded" or "none"`. */
export function choiceArg<const T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T {
  if (value === undefined || !(choices as readonly string[]).includes(value)) {
    const list = choices.slice(0, -1).join(', ') + ` or ${choices.at(-1)}`;
    throw new CliError(
      `${flag} must be ${list}, got ${value === undefined ? 'nothing' : show(value)}`,
    );
  }
  return value as T;
}

/** The default onnxruntime thread count: this machine's cores, at most 4. */
export function defaultThreads(): number {
  return Math.min(4, availableParallelism());
}
