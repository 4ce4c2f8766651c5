import { describe, expect, it } from 'vitest';
import { acceptSharedMemory } from './sharedWrite';

interface Call {
  data: Uint8Array | Float32Array;
  shared: boolean;
  dataOffset: number | undefined;
  size: number | undefined;
}

/** A stand-in for Dawn's GPUQueue class that records what writeBuffer receives. */
function fakeQueueClass() {
  const calls: Call[] = [];
  class Queue {
    writeBuffer(
      _buffer: unknown,
      _offset: number,
      data: Uint8Array | Float32Array,
      dataOffset?: number,
      size?: number,
    ): undefined {
      const tag = Object.prototype.toString.call(data.buffer);
      calls.push({ data, shared: tag === '[object SharedArrayBuffer]', dataOffset, size });
      return undefined;
    }
  }
  return { Queue, calls };
}

describe('acceptSharedMemory (Dawn in Node takes no SharedArrayBuffer views)', () => {
  it('copies the exact bytes of a shared view, honouring its offset, dataOffset and size', () => {
    const { Queue, calls } = fakeQueueClass();
    acceptSharedMemory(Queue as unknown as { prototype: GPUQueue });
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    shared.forEach((_, i) => (shared[i] = i)); // (map would return unshared memory)
    const view = shared.subarray(8, 40); // bytes 8..39
    const queue = new Queue() as unknown as GPUQueue;
    queue.writeBuffer({} as GPUBuffer, 0, view as unknown as BufferSource, 4, 10);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.shared).toBe(false);
    expect([...calls[0]!.data]).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(calls[0]!.dataOffset).toBe(0);
    expect(calls[0]!.size).toBe(10);
  });

  it('counts dataOffset and size in elements for typed arrays wider than a byte', () => {
    const { Queue, calls } = fakeQueueClass();
    acceptSharedMemory(Queue as unknown as { prototype: GPUQueue });
    const floats = new Float32Array(new SharedArrayBuffer(32));
    floats.forEach((_, i) => (floats[i] = i + 0.5));
    new Queue().writeBuffer({}, 0, floats as unknown as Uint8Array, 2, 3);
    const got = calls[0]!.data as Uint8Array;
    expect(got.byteLength).toBe(12);
    expect([...new Float32Array(got.buffer, got.byteOffset, 3)]).toEqual([2.5, 3.5, 4.5]);
  });

  it('passes ordinary memory through untouched, and patches a class once', () => {
    const { Queue, calls } = fakeQueueClass();
    acceptSharedMemory(Queue as unknown as { prototype: GPUQueue });
    acceptSharedMemory(Queue as unknown as { prototype: GPUQueue });
    const plain = new Uint8Array([1, 2, 3, 4]);
    new Queue().writeBuffer({}, 0, plain, 1, 2);
    expect(calls[0]!.data).toBe(plain);
    expect(calls[0]!.dataOffset).toBe(1);
    expect(calls[0]!.size).toBe(2);
    const whole = new Uint8Array(new SharedArrayBuffer(6)).fill(7);
    new Queue().writeBuffer({}, 0, whole);
    expect([...calls[1]!.data]).toEqual([7, 7, 7, 7, 7, 7]);
  });
});
