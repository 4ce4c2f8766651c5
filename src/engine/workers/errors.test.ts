import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, WorkerFailure, type ErrorKind } from '../../protocol/errors';
import { installErrorTransfer } from '../../../workers/shared/errorTransfer';
import {
  DatasetQuotaError,
  DatasetSourceError,
  DiffprobeError,
  JobCancelledError,
  ManifestError,
  ModelIntegrityError,
  ModelLoadError,
  restoreError,
} from './errors';

type Handler = Comlink.TransferHandler<unknown, unknown>;

/** An error thrown in a worker, as the page receives it through comlink. */
function acrossTheBoundary(err: unknown): unknown {
  installErrorTransfer();
  const handler = Comlink.transferHandlers.get('throw') as Handler;
  // Comlink wraps a thrown value as { value, [throwMarker]: 0 }; the handler sees that object.
  const [wire] = handler.serialize({ value: err } as unknown);
  const copy = structuredClone(wire);
  try {
    handler.deserialize(copy);
  } catch (received) {
    return received;
  }
  throw new Error('deserialize did not throw');
}

const CLASSES: Record<ErrorKind, new (...args: never[]) => DiffprobeError> = {
  cancelled: JobCancelledError,
  'model-load': ModelLoadError,
  'model-integrity': ModelIntegrityError,
  manifest: ManifestError,
  'dataset-quota': DatasetQuotaError,
  'dataset-source': DatasetSourceError,
};

describe('errors across the worker boundary', () => {
  it.each(ERROR_KINDS)('a worker failure of kind %s becomes its own class', (kind) => {
    const received = acrossTheBoundary(new WorkerFailure(kind, `why: ${kind}`));
    expect(received).not.toBeInstanceOf(DiffprobeError);
    const restored = restoreError(received);
    expect(restored).toBeInstanceOf(CLASSES[kind]);
    expect((restored as DiffprobeError).kind).toBe(kind);
    if (kind !== 'cancelled') expect((restored as Error).message).toBe(`why: ${kind}`);
  });
  it('an error without a kind stays what it is', () => {
    const received = acrossTheBoundary(new TypeError('x is undefined'));
    expect(restoreError(received)).toBe(received);
    expect((received as Error).message).toBe('x is undefined');
  });
  it('an error named like a typed one is not taken for it', () => {
    const err = Object.assign(new Error('boom'), { name: 'ModelLoadError' });
    expect(restoreError(acrossTheBoundary(err))).not.toBeInstanceOf(DiffprobeError);
  });
  it('an unknown kind is ignored', () => {
    const err = Object.assign(new Error('boom'), { kind: 'no-such-kind' });
    expect(restoreError(err)).toBe(err);
  });
});
