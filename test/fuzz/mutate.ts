/** Byte-level mutations of real files: the inputs a truncated download or a hostile file gives. */
import fc from 'fast-check';

type Mutation =
  | { op: 'set'; at: number; byte: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number }
  | { op: 'truncate'; at: number }
  | { op: 'u32'; at: number; value: number; little: boolean };

/** 32-bit values that sit on the edges parsers get wrong. */
const EDGES = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('flip'), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete'), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
  fc.record({
    op: fc.constant('u32'),
    at: fc.nat(),
    value: fc.constantFrom(...EDGES),
    little: fc.boolean(),
  }),
) as fc.Arbitrary<Mutation>;

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  if (n === 0) return m.op === 'insert' ? m.bytes.slice() : bytes;
  const at = m.at % n;
  switch (m.op) {
    case 'set':
      bytes[at] = m.byte;
      return bytes;
    case 'flip':
      bytes[at] = bytes[at]! ^ (1 << m.bit);
      return bytes;
    case 'insert': {
      const out = new Uint8Array(n + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'delete': {
      const out = new Uint8Array(n - Math.min(m.n, n - at));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + m.n), at);
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'u32': {
      const v = new DataView(bytes.buffer, bytes.byteOffset, n);
      if (at + 4 <= n) v.setUint32(at, m.value, m.little);
      return bytes;
    }
  }
}

/**
 * One of `bases` with 1 to `max` mutations applied (a fresh copy each time), or now and then
 * bytes with no relation to any base.
 */
export function mutatedBytes(bases: readonly Uint8Array[], max = 4): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(fc.nat({ max: bases.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: max }))
    .map(([i, ms]) => ms.reduce(apply, bases[i]!.slice()));
  return fc.oneof(
    { weight: 9, arbitrary: mutated },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  );
}
