import { describe, expect, it } from 'vitest';
import { encodeNpy, halfToFloat, npyHeader, parseNpy, type NpyArray } from './npy';

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
/** The values of a non-int64 array as numbers. */
const values = (a: NpyArray): number[] => Array.from(a.data as ArrayLike<number>);
const hex = (h: string): number[] => h.match(/../g)!.map((b) => parseInt(b, 16));

/** A .npy file built by hand: magic, version, header length, header text, data bytes. */
function handBuilt(major: number, header: string, data: number[] = []): Uint8Array {
  const text = major === 3 ? Array.from(new TextEncoder().encode(header)) : ascii(header);
  const len =
    major === 1
      ? [text.length & 0xff, text.length >> 8]
      : [text.length & 0xff, (text.length >> 8) & 0xff, 0, 0];
  return Uint8Array.from([0x93, ...ascii('NUMPY'), major, 0, ...len, ...text, ...data]);
}

/** Bytes of np.save(f, np.arange(6, dtype=np.float32).reshape(2, 3)) with NumPy 1.24. */
const NUMPY_F32_2x3 = Uint8Array.from([
  0x93,
  ...ascii('NUMPY'),
  1,
  0,
  0x76, // header length 118: 10 + 118 = 128, a multiple of 64
  0,
  ...ascii("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".padEnd(117) + '\n'),
  ...hex('000000000000803f0000004000004040000080400000a040'), // 0, 1, …, 5 as <f4
]);

describe('parseNpy', () => {
  it('reads a file written by NumPy', () => {
    const a = parseNpy(NUMPY_F32_2x3);
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(values(a)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads a hand-built v1.0 header (double quotes, no padding, Python 2 long ints)', () => {
    const bytes = handBuilt(1, '{"shape": (2L,), "fortran_order": False, "descr": "<i4"}\n', [
      ...hex('07000000'),
      ...hex('feffffff'),
    ]);
    const a = parseNpy(bytes);
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.data as Int32Array)).toEqual([7, -2]);
  });

  it('reads a v2.0 int64 file written by NumPy (format.write_array version=(2, 0))', () => {
    const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }".padEnd(115) + '\n';
    const bytes = Uint8Array.from([
      0x93,
      ...ascii('NUMPY'),
      2,
      0,
      0x74, // 116, as a little-endian uint32
      0,
      0,
      0,
      ...ascii(header),
      ...hex('0100000000000000feffffffffffffff'),
    ]);
    expect(bytes.length).toBe(144);
    const a = parseNpy(bytes);
    expect(a.dtype).toBe('int64');
    expect(Array.from(a.data as BigInt64Array)).toEqual([1n, -2n]);
  });

  it('reads a v3.0 (UTF-8 header) file, a scalar and an empty array', () => {
    const v3 = parseNpy(
      handBuilt(
        3,
        "{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n",
        hex('0000000000000c40'),
      ),
    );
    // a v3 header is UTF-8 (its length counts bytes): a structured dtype with a field named 'é'
    expect(() =>
      parseNpy(
        handBuilt(
          3,
          "{'descr': [('é', '<f4')], 'fortran_order': False, 'shape': (), }\n",
          [0, 0, 0, 0],
        ),
      ),
    ).toThrow(/structured dtypes/);
    expect(v3.shape).toEqual([]);
    expect(values(v3)).toEqual([3.5]);
    const empty = parseNpy(
      handBuilt(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }\n"),
    );
    expect(empty.dtype).toBe('uint8');
    expect(empty.shape).toEqual([0]);
    expect(empty.data.length).toBe(0);
  });

  it('widens float16 to Float32Array', () => {
    // np.array([1, -2, 65504, 6e-8, inf, 0.5], float16).view(uint16) = 15360, 49152, 31743, 1, 31744, 14336
    const bits = [15360, 49152, 31743, 1, 31744, 14336].flatMap((h) => [h & 0xff, h >> 8]);
    const a = parseNpy(
      handBuilt(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 2), }\n", bits),
    );
    expect(a.dtype).toBe('float16');
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(values(a)).toEqual([1, -2, 65504, 5.960464477539063e-8, Infinity, 0.5]);
    expect(halfToFloat(0x8000)).toBe(-0);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
  });

  it('does not depend on the alignment of the input bytes', () => {
    const shifted = new Uint8Array(NUMPY_F32_2x3.length + 3);
    shifted.set(NUMPY_F32_2x3, 3);
    expect(values(parseNpy(shifted.subarray(3)))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects what it cannot read, with clear messages', () => {
    const h = (descr: string, extra = "'fortran_order': False, 'shape': (1,)"): string =>
      `{'descr': '${descr}', ${extra}, }\n`;
    const four = [0, 0, 128, 63];
    expect(() =>
      parseNpy(handBuilt(1, h('<f4', "'fortran_order': True, 'shape': (1,)"), four)),
    ).toThrow(/Fortran-order arrays are not supported/);
    expect(() => parseNpy(handBuilt(1, h('>f4'), four))).toThrow(/big-endian data \('>f4'\)/);
    expect(() => parseNpy(handBuilt(1, h('<c8'), four))).toThrow(/dtype '<c8' is not supported/);
    expect(() => parseNpy(handBuilt(1, h('<f4'), [0, 0]))).toThrow(
      /needs 4 bytes of data, found 2/,
    );
    expect(() => parseNpy(handBuilt(1, h('<f4'), [...four, 0]))).toThrow(/found 5/);
    expect(() =>
      parseNpy(
        handBuilt(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n"),
      ),
    ).toThrow(/structured dtypes/);
    expect(() => parseNpy(Uint8Array.from(ascii('PK\x03\x04 not npy')))).toThrow(
      /not a \.npy file/,
    );
    expect(() => parseNpy(handBuilt(4, h('<f4'), four))).toThrow(/version 4\.0 is not supported/);
    expect(() => parseNpy(handBuilt(1, "{'descr': '<f4', 'shape': (1,) oops }\n", four))).toThrow(
      /cannot read the header/,
    );
  });
});

describe('encodeNpy', () => {
  it('writes exactly the bytes NumPy writes', () => {
    const bytes = encodeNpy(Float32Array.from([0, 1, 2, 3, 4, 5]), [2, 3]);
    expect(Array.from(bytes)).toEqual(Array.from(NUMPY_F32_2x3));
  });

  it('pads headers like NumPy for scalars, 1-d and long shapes (header sizes from np.save)', () => {
    const scalar = encodeNpy(Float64Array.from([3.5]), []);
    expect(scalar.length).toBe(136); // 128-byte header + 8
    expect(new TextDecoder().decode(scalar.subarray(10, 128))).toBe(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (), }".padEnd(117) + '\n',
    );
    const empty = encodeNpy(new Uint8Array(0), [0]);
    expect(new TextDecoder().decode(empty.subarray(10))).toBe(
      "{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }".padEnd(117) + '\n',
    );
    const wide = encodeNpy(new Uint8Array(1_000_000), [10, 100_000]);
    expect(new TextDecoder().decode(wide.subarray(10, 128))).toBe(
      "{'descr': '|u1', 'fortran_order': False, 'shape': (10, 100000), }".padEnd(117) + '\n',
    );
    for (const b of [scalar, empty, wide]) expect((10 + (b[8]! | (b[9]! << 8))) % 64).toBe(0);
  });

  it('round-trips every writable dtype', () => {
    const cases = [
      [Float32Array.from([1.5, -2.25, 1e-30, 3e38]), [2, 2]],
      [Float64Array.from([Math.PI, -0, 1e300]), [3]],
      [Int32Array.from([-2147483648, 0, 2147483647, 5, 6, 7]), [1, 2, 3]],
      [Uint8Array.from([0, 255, 17]), [3, 1]],
      [BigInt64Array.from([-(2n ** 63n), 42n]), [2]],
    ] as const;
    for (const [data, shape] of cases) {
      const back = parseNpy(encodeNpy(data, shape));
      expect(back.shape).toEqual(shape);
      expect(back.data).toEqual(data);
    }
    // a subarray view writes only its own elements
    const view = Float32Array.from([9, 1, 2, 9]).subarray(1, 3);
    expect(values(parseNpy(encodeNpy(view, [2])))).toEqual([1, 2]);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values, data has 5/);
    expect(() => encodeNpy(new Float32Array(2), [2.5])).toThrow(RangeError);
  });
});

describe('npyHeader', () => {
  it('is the header encodeNpy writes, for every writable dtype', () => {
    const data = Float32Array.from({ length: 48 }, (_, i) => i / 7);
    const ref = encodeNpy(data, [3, 4, 2, 2]);
    expect(npyHeader('float32', [3, 4, 2, 2])).toEqual(ref.subarray(0, ref.length - 192));
    const ints = encodeNpy(Int32Array.from([1, 2]), [2]);
    expect(npyHeader('int32', [2])).toEqual(ints.subarray(0, ints.length - 8));
    expect(Array.from(npyHeader('float32', [2, 3]))).toEqual(
      Array.from(NUMPY_F32_2x3.subarray(0, NUMPY_F32_2x3.length - 24)),
    );
  });

  it('has the same length whatever the first axis, so a streamed file can rewrite it', () => {
    const small = npyHeader('float32', [0, 4, 2, 2]);
    const big = npyHeader('float32', [123_456_789, 4, 2, 2]);
    expect(big.length).toBe(small.length);
    expect(small.length % 64).toBe(0);
    // header for N rows + N rows of data parses as the array
    const rows = Float32Array.from({ length: 3 * 16 }, (_, i) => i);
    const file = new Uint8Array(small.length + rows.byteLength);
    file.set(npyHeader('float32', [3, 4, 2, 2]), 0);
    file.set(new Uint8Array(rows.buffer), small.length);
    const back = parseNpy(file);
    expect(back.shape).toEqual([3, 4, 2, 2]);
    expect(back.data).toEqual(rows);
  });

  it('rejects shapes that are not integers ≥ 0', () => {
    expect(() => npyHeader('float32', [-1, 2])).toThrow(RangeError);
    expect(() => npyHeader('uint8', [1.5])).toThrow(RangeError);
  });
});
