/**
 * The fuzzing harness shared by the unit tests (a bounded, seeded run per target) and
 * `npm run fuzz` (as long as asked): a target is an input generator and a check that runs the
 * parser on one input. The property is the same everywhere: the input parses to a value that
 * validates, or the parser throws its own typed error; nothing else is thrown, and no case takes
 * longer than CASE_DEADLINE_MS.
 */
import fc from 'fast-check';

/**
 * The most one case may take, in milliseconds, before it counts as a hang: `npm run fuzz`
 * reports anything slower than 2 s. The unit tests use a bound only a hang can reach (a parser
 * case takes milliseconds), so a slow or busy machine never fails them.
 */
export const CASE_DEADLINE_MS = 2_000;
export const TEST_HANG_MS = 20_000;

export interface FuzzTarget<T = unknown> {
  /** Short name, as `npm run fuzz -- --only <name>` takes it. */
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Parses one input and validates the result; throws only when the property is broken. */
  check(input: T): void | Promise<void>;
}

/** An error class: the parser's own typed error. */
type ErrorClass = abstract new (...args: never[]) => Error;

/** Why the property broke: the parser threw something that is not its typed error. */
export class PropertyBroken extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PropertyBroken';
  }
}

/**
 * Runs `parse`; returns its value, or undefined when it threw one of `allowed`. Anything else
 * thrown is a broken property, reported with the original error's class and message.
 */
export async function parsedOrRefused<R>(
  parse: () => R | Promise<R>,
  ...allowed: ErrorClass[]
): Promise<R | undefined> {
  try {
    return await parse();
  } catch (e) {
    if (allowed.some((c) => e instanceof c)) return undefined;
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new PropertyBroken(`threw ${what}, not ${allowed.map((c) => c.name).join(' or ')}`, {
      cause: e,
    });
  }
}

/** Fails the property with a message when `ok` is false. */
export function ensure(ok: boolean, message: string): asserts ok {
  if (!ok) throw new PropertyBroken(message);
}

/** The target's property, with the per-case deadline. */
export function propertyOf<T>(
  target: FuzzTarget<T>,
  deadlineMs = CASE_DEADLINE_MS,
): fc.IAsyncPropertyWithHooks<[T]> {
  return fc.asyncProperty(target.arbitrary, async (input) => {
    const t0 = performance.now();
    await target.check(input);
    const ms = performance.now() - t0;
    ensure(ms <= deadlineMs, `one case took ${Math.round(ms)} ms (more than ${deadlineMs} ms)`);
  });
}

export interface RunOptions {
  seed: number;
  numRuns: number;
  /** A counterexample's path, to replay only that case. */
  path?: string;
  /** Per-case bound in ms (default CASE_DEADLINE_MS). */
  deadlineMs?: number;
}

/** Runs a target's property; the result says how many cases ran and what failed. */
export function runTarget<T>(target: FuzzTarget<T>, o: RunOptions): Promise<fc.RunDetails<[T]>> {
  return fc.check(propertyOf(target, o.deadlineMs), {
    seed: o.seed,
    numRuns: o.numRuns,
    ...(o.path !== undefined ? { path: o.path, endOnFailure: true } : {}),
  });
}
