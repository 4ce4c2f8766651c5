/**
 * One error class per failure the user must understand. Each carries a message written for
 * the user (shown in the UI as is) and a stable `code` for tests and logs.
 */
export abstract class DiffprobeError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The worker died (an uncaught error, out of memory, a closed device); the next call restarts it. */
export class WorkerCrashedError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'WorkerCrashedError';
  readonly code = 'worker-crashed';
  constructor(worker: string, detail: string) {
    super(
      `The ${worker} worker stopped unexpectedly (${detail}). It restarts on the next request.`,
    );
  }
}

/** The user (or a newer request) cancelled the job. Not shown as an error. */
export class JobCancelledError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'JobCancelledError';
  readonly code = 'cancelled';
  constructor(what = 'The job') {
    super(`${what} was cancelled.`);
  }
}

/** An ONNX file that cannot be parsed or run. */
export class ModelLoadError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'ModelLoadError';
  readonly code = 'model-load';
}

/** A model file whose sha256 differs from its manifest. */
export class ModelIntegrityError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'ModelIntegrityError';
  readonly code = 'model-integrity';
}

/** A manifest that fails validation. */
export class ManifestError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'ManifestError';
  readonly code = 'manifest';
}

export function userMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

const FROM_WORKER: Record<string, new (message: string) => DiffprobeError> = {
  ModelLoadError,
  ModelIntegrityError,
  ManifestError,
};

/**
 * Errors cross the worker boundary as plain Errors (name and message survive); this gives back
 * the typed class the UI explains.
 */
export function restoreError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name === 'JobCancelledError') return new JobCancelledError();
  const Typed = FROM_WORKER[err.name];
  return Typed ? new Typed(err.message) : err;
}
