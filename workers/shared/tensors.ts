import type { TensorMap } from '../../src/protocol/model';

/** The buffers of a tensor map, to transfer (not copy) across the worker boundary. */
export function transferables(map: TensorMap): ArrayBuffer[] {
  return Object.values(map).map((t) => t.data.buffer as ArrayBuffer);
}
