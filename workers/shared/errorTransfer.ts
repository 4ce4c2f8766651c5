import * as Comlink from 'comlink';
import { errorKind } from '../../src/protocol/errors';

type ThrowHandler = Comlink.TransferHandler<unknown, { isError: boolean; value: unknown }>;

/**
 * Makes a thrown error's `kind` (src/protocol/errors.ts) cross to the main thread with its
 * message: comlink sends only name, message and stack, and copies what it sent onto the Error it
 * rebuilds there. Each worker calls this once, before `Comlink.expose`.
 */
export function installErrorTransfer(): void {
  const base = Comlink.transferHandlers.get('throw') as ThrowHandler;
  const withKind: ThrowHandler = {
    canHandle: (value): value is unknown => base.canHandle(value),
    serialize(thrown) {
      const [wire, transfer] = base.serialize(thrown);
      const kind = errorKind((thrown as { value?: unknown }).value);
      if (kind && wire.isError) wire.value = { ...(wire.value as object), kind };
      return [wire, transfer];
    },
    deserialize: (wire) => base.deserialize(wire),
  };
  Comlink.transferHandlers.set('throw', withKind);
}
