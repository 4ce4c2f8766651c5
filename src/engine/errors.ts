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

/** The WebGPU device was lost (driver reset, GPU removed, out of memory). */
export class GpuDeviceLostError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'GpuDeviceLostError';
  readonly code = 'gpu-device-lost';
  constructor(reason: string) {
    super(
      `The GPU device was lost (${reason}). The model restarts on WebAssembly or a new device.`,
    );
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
  constructor(file: string, expected: string, actual: string) {
    super(
      `${file} does not match its manifest (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…). It was not run.`,
    );
  }
}

/** A manifest that fails validation. */
export class ManifestError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'ManifestError';
  readonly code = 'manifest';
  constructor(readonly problems: string[]) {
    super(
      `The model manifest is not valid: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}.`,
    );
  }
}

/** Browser storage is full or denied. */
export class StorageQuotaError extends DiffprobeError {
  // Spelled out: minified builds rename classes.
  override readonly name = 'StorageQuotaError';
  readonly code = 'storage-quota';
}

/** Errors cross the worker boundary as plain objects; this restores the typed class. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

export function userMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
