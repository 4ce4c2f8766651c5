/**
 * The failures that cross a worker boundary, as a typed `kind`. A worker throws a
 * `WorkerFailure` with its kind; the kind travels with the error's message (see
 * `workers/shared/errorTransfer.ts`), and the main thread rebuilds one error class per kind
 * (`src/engine/workers/errors.ts`). Nothing matches on error names.
 */
export const ERROR_KINDS = [
  /** The user (or a newer request) cancelled the job. */
  'cancelled',
  /** An ONNX file that cannot be read, parsed or run. */
  'model-load',
  /** A model file whose sha256 differs from its manifest. */
  'model-integrity',
  /** A manifest that fails validation. */
  'manifest',
  /** The browser's storage is full. */
  'dataset-quota',
  /** A dataset source that cannot be read at all (not a zip, too large, a bomb). */
  'dataset-source',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/** An error a worker throws on purpose: its message is written for the user. */
export class WorkerFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The kind an error carries (a WorkerFailure, or an error rebuilt from one), if any. */
export function errorKind(err: unknown): ErrorKind | null {
  if (typeof err !== 'object' || err === null) return null;
  const kind = (err as { kind?: unknown }).kind;
  return isErrorKind(kind) ? kind : null;
}
