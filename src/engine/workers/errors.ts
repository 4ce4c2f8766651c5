/**
 * One error class per failure the user must understand. Each carries a message written for
 * the user (shown in the UI as is) and a stable `kind` for tests and logs. Errors from a worker
 * arrive with the `kind` of src/protocol/errors.ts and are rebuilt here into their class.
 */
import { errorKind, type ErrorKind } from '../../protocol/errors';

export abstract class DiffprobeError extends Error {
  abstract readonly kind: ErrorKind | 'worker-crashed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The worker died (an uncaught error, out of memory, a closed device); the next call restarts it. */
export class WorkerCrashedError extends DiffprobeError {
  // Spelled out (minified builds rename classes); shown in logs, never matched on.
  override readonly name = 'WorkerCrashedError';
  readonly kind = 'worker-crashed';
  constructor(worker: string, detail: string) {
    super(
      `The ${worker} worker stopped unexpectedly (${detail}). It restarts on the next request.`,
    );
  }
}

/** The user (or a newer request) cancelled the job. Not shown as an error. */
export class JobCancelledError extends DiffprobeError {
  // Spelled out (minified builds rename classes); shown in logs, never matched on.
  override readonly name = 'JobCancelledError';
  readonly kind = 'cancelled';
  constructor(what = 'The job') {
    super(`${what} was cancelled.`);
  }
}

/** An ONNX file that cannot be parsed or run. */
export class ModelLoadError extends DiffprobeError {
  // Spelled out (minified builds rename classes); shown in logs, never matched on.
  override readonly name = 'ModelLoadError';
  readonly kind = 'model-load';
}

/** A model file whose sha256 differs from its manifest. */
export class ModelIntegrityError extends DiffprobeError {
  // Spelled out (minified builds rename classes); shown in logs, never matched on.
  override readonly name = 'ModelIntegrityError';
  readonly kind = 'model-integrity';
}

/** A manifest that fails validation. */
export class ManifestError extends DiffprobeError {
  // Spelled out (minified builds rename classes); shown in logs, never matched on.
  override readonly name = 'ManifestError';
  readonly kind = 'manifest';
}

/** The browser's storage is full: the message says how full and what was kept. */
export class DatasetQuotaError extends DiffprobeError {
  // Spelled out (minified builds rename classes); shown in logs, never matched on.
  override readonly name = 'DatasetQuotaError';
  readonly kind = 'dataset-quota';
}

/** A source that cannot be read at all (not a zip, too large, too many files, a bomb). */
export class DatasetSourceError extends DiffprobeError {
  // Spelled out (minified builds rename classes); shown in logs, never matched on.
  override readonly name = 'DatasetSourceError';
  readonly kind = 'dataset-source';
}

export function userMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The class of each kind a worker may throw. */
const BY_KIND: Record<ErrorKind, (message: string) => DiffprobeError> = {
  cancelled: () => new JobCancelledError(),
  'model-load': (m) => new ModelLoadError(m),
  'model-integrity': (m) => new ModelIntegrityError(m),
  manifest: (m) => new ManifestError(m),
  'dataset-quota': (m) => new DatasetQuotaError(m),
  'dataset-source': (m) => new DatasetSourceError(m),
};

/**
 * Gives back the typed class of an error that crossed the worker boundary with a `kind`; any
 * other error (a bug, a runtime's own failure) is returned as it is.
 */
export function restoreError(err: unknown): unknown {
  if (err instanceof DiffprobeError) return err;
  const kind = errorKind(err);
  return kind ? BY_KIND[kind](userMessage(err)) : err;
}
