/**
 * The range of every numeric option, in one place: the parsers check against these and the help
 * text states them, so a value out of range is refused with the range it should be in.
 */

export interface Range {
  readonly min: number;
  readonly max: number;
}

export const LIMITS = {
  /** A timestep (checked against the model's T once the model is read). */
  t: { min: 0, max: 1_000_000 },
  /** A block number (checked against the model's block count once the model is read). */
  block: { min: 1, max: 10_000 },
  pool: { min: 0, max: 1024 },
  seed: { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  /** Images per forward pass. */
  batch: { min: 1, max: 4096 },
  /** Rows per CKA minibatch (the unbiased estimator needs 4). */
  ckaBatch: { min: 4, max: 1_000_000 },
  /** Image size in pixels. */
  size: { min: 1, max: 16_384 },
  threads: { min: 1, max: 256 },
  /** Images per sweep shard (the unit of work of `sweep` and `worker`). */
  shard: { min: 1, max: 1_000_000 },
  /** Training epochs of each sweep probe. */
  epochs: { min: 1, max: 1000 },
  /** Percent of each class a seeded split puts in test. */
  testPercent: { min: 1, max: 99 },
  /** Jobs one worker runs at once. */
  concurrency: { min: 1, max: 256 },
  /** How long a queued job stays claimed by a worker that stops renewing it. */
  lockSeconds: { min: 1, max: 3600 },
} as const satisfies Record<string, Range>;

/** "0 to 1000000", as the help text and the messages write a range. */
export function showRange(r: Range): string {
  const n = (v: number): string =>
    Math.abs(v) === Number.MAX_SAFE_INTEGER ? `${v < 0 ? '-' : ''}(2^53-1)` : String(v);
  return `${n(r.min)} to ${n(r.max)}`;
}
