/** The .npy reader: mutated files, generated headers, and arrays round-tripped. */
import fc from 'fast-check';
import { encodeNpy, NpyError, parseNpy, type NpyArray } from '../../../src/core/npy';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';
import { mutatedBytes } from '../mutate';

function bases(): Uint8Array[] {
  return [
    encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
    encodeNpy(new Uint8Array(10), [10]),
    encodeNpy(BigInt64Array.from([1n, -1n]), [2, 1]),
    encodeNpy(new Float64Array(0), [0, 4]),
  ];
}

/** Headers built from the pieces NumPy writes, in hostile combinations. */
const header: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom("'<f4'", "'<f2'", "'|u1'", "'>i8'", "'=f8'", "'<c8'", '1', "'"),
    fc.constantFrom('False', 'True', 'None', ''),
    fc.array(fc.oneof(fc.nat(), fc.constant(2 ** 60), fc.constant(-1)), { maxLength: 4 }),
    fc.string({ maxLength: 8 }),
    fc.nat({ max: 40 }),
  )
  .map(
    ([descr, fortran, shape, junk, depth]) =>
      `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${'('.repeat(depth)}${shape.join(', ')},${')'.repeat(depth)}, ${junk}}`,
  );

function withHeader(h: string, data: number): Uint8Array {
  const body = new TextEncoder().encode(h);
  const out = new Uint8Array(10 + body.length + data);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, body.length, true);
  out.set(body, 10);
  return out;
}

function validArray(a: NpyArray): void {
  ensure(
    a.shape.every((d) => Number.isSafeInteger(d) && d >= 0),
    `shape [${a.shape}]`,
  );
  const count = a.shape.reduce((x, y) => x * y, 1);
  ensure(a.data.length === count, `${a.data.length} values for shape [${a.shape}]`);
}

export const npyBytes: FuzzTarget<Uint8Array> = {
  name: 'npy',
  arbitrary: fc.oneof(
    fc.constant(null).chain(() => mutatedBytes(bases())),
    fc.tuple(header, fc.nat({ max: 64 })).map(([h, n]) => withHeader(h, n)),
  ),
  async check(bytes) {
    const a = await parsedOrRefused(() => parseNpy(bytes), NpyError);
    if (a) validArray(a);
  },
};

export const npyRoundTrip: FuzzTarget<{ values: number[]; rows: number }> = {
  name: 'npy-roundtrip',
  arbitrary: fc.record({
    values: fc.array(fc.float({ noNaN: true }), { maxLength: 60 }),
    rows: fc.integer({ min: 1, max: 4 }),
  }),
  check({ values, rows }) {
    const n = values.length - (values.length % rows);
    const data = Float32Array.from(values.slice(0, n));
    const a = parseNpy(encodeNpy(data, [rows, n / rows]));
    validArray(a);
    ensure(
      a.dtype === 'float32' && a.data.every((v, i) => Object.is(v, data[i])),
      'values changed',
    );
  },
};
