import { describe, expect, it } from 'vitest';
import {
  WireError,
  WireType,
  Writer,
  fieldBigInt,
  fieldBytes,
  fieldDouble,
  fieldFloat,
  fieldInt,
  fieldString,
  fieldUint,
  int64ToNumber,
  readField,
  readFields,
  readVarint,
  repeatedInts,
  splitInt64,
  type WireField,
} from './wire';

const varintBytes = (v: number | bigint): Uint8Array => new Writer().varint(v).finish();

describe('varints', () => {
  it('encodes known values as protobuf does', () => {
    expect([...varintBytes(0)]).toEqual([0]);
    expect([...varintBytes(1)]).toEqual([1]);
    expect([...varintBytes(127)]).toEqual([0x7f]);
    expect([...varintBytes(128)]).toEqual([0x80, 0x01]);
    expect([...varintBytes(300)]).toEqual([0xac, 0x02]);
    expect([...varintBytes(2 ** 31)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x08]);
    // Negative int32/int64 values are always 10 bytes (two's complement, 64 bits).
    expect([...varintBytes(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1]);
    expect(varintBytes(-(2 ** 31)).length).toBe(10);
  });

  const values: (number | bigint)[] = [
    0,
    1,
    127,
    128,
    16383,
    16384,
    2 ** 28 - 1,
    2 ** 28,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 35 + 12345,
    2 ** 53 - 1,
    -1,
    -2,
    -128,
    -(2 ** 31),
    -(2 ** 32) - 7,
    -(2 ** 53) + 1,
  ];
  it.each(values.map((v) => [v]))('round-trips %s as a number', (v) => {
    const b = varintBytes(v);
    const { lo, hi, next } = readVarint(b, 0);
    expect(next).toBe(b.length);
    expect(int64ToNumber(lo, hi)).toBe(Number(v));
    if (Number(v) < 0) expect(b.length).toBe(10);
  });

  it('round-trips 64-bit values as BigInt', () => {
    for (const v of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 62n + 3n, -5n, 0n]) {
      const w = new Writer().int(1, v).finish();
      const f = readField(w, 0, w.length);
      expect(fieldBigInt(f)).toBe(v);
    }
    const big = new Writer().int(1, 2n ** 64n - 1n).finish();
    expect(fieldUint(readField(big, 0, big.length))).toBe(2 ** 64);
  });

  it('splits integers into two halves', () => {
    expect(splitInt64(2 ** 32 + 5)).toEqual({ lo: 5, hi: 1 });
    expect(splitInt64(-1)).toEqual({ lo: 0xffffffff, hi: 0xffffffff });
    expect(splitInt64(-(2 ** 32))).toEqual({ lo: 0, hi: 0xffffffff });
  });

  it('rejects truncated and over-long varints', () => {
    expect(() => readVarint(new Uint8Array([0x80, 0x80]), 0)).toThrow(WireError);
    expect(() => readVarint(new Uint8Array(11).fill(0xff), 0)).toThrow(/longer than 10 bytes/);
  });
});

describe('fields', () => {
  it('writes and reads every wire type, keeping raw ranges', () => {
    const w = new Writer()
      .int(1, 150)
      .string(2, 'héllo')
      .float(3, 1.5)
      .double(4, -2.25)
      .fixed32(5, 0xdeadbeef)
      .fixed64(6, -3)
      .message(7, (m) => m.int(1, 42).string(2, 'inner'))
      .packedInts(8, [1, 300, -1]);
    w.int(8, 7); // the same repeated field, unpacked
    const buf = w.finish();
    const fields = readFields(buf);
    expect(fields.map((f) => f.field)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8]);
    const at = (i: number): WireField => fields[i]!;
    const [a, b, c, d, e, f6, g, h1, h2] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(at) as [
      WireField,
      WireField,
      WireField,
      WireField,
      WireField,
      WireField,
      WireField,
      WireField,
      WireField,
    ];
    expect(fieldInt(a)).toBe(150);
    expect(fieldString(buf, b)).toBe('héllo');
    expect(fieldFloat(buf, c)).toBe(1.5);
    expect(fieldDouble(buf, d)).toBe(-2.25);
    expect(new DataView(buf.buffer).getUint32(e.valueStart, true)).toBe(0xdeadbeef);
    expect(f6.wireType).toBe(WireType.Fixed64);
    const inner = readFields(buf, g.valueStart, g.valueEnd);
    expect(fieldInt(inner[0]!)).toBe(42);
    expect(fieldString(buf, inner[1]!)).toBe('inner');
    expect(repeatedInts(buf, [h1, h2])).toEqual([1, 300, -1, 7]);
    // Raw ranges: copying every field verbatim reproduces the message byte for byte.
    const copy = new Writer();
    for (const f of fields) copy.copy(buf, f);
    expect(copy.finish()).toEqual(buf);
    expect(fieldBytes(buf, g)).toEqual(buf.subarray(g.valueStart, g.valueEnd));
  });

  it('skips unknown fields and groups', () => {
    const w = new Writer().int(99, 5);
    w.tag(50, WireType.StartGroup).int(1, 1).string(2, 'x').tag(50, WireType.EndGroup);
    w.string(3, 'after');
    const buf = w.finish();
    const fields = readFields(buf);
    expect(fields.map((f) => f.field)).toEqual([99, 50, 3]);
    expect(fieldString(buf, fields[2]!)).toBe('after');
  });

  it('keeps large chunks by reference and concatenates once', () => {
    const big = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const buf = new Writer().bytes(1, big).int(2, 1).finish();
    const [f] = readFields(buf);
    const got = fieldBytes(buf, f!);
    expect(got.length).toBe(big.length);
    expect(got.every((v, i) => v === big[i])).toBe(true);
    expect(buf.length).toBe(1 + 3 + 100_000 + 2);
  });

  it('reports malformed input with its offset', () => {
    // Field 1, length 10, but only 2 bytes follow.
    expect(() => readFields(new Uint8Array([0x0a, 10, 1, 2]))).toThrow(/declares 10 bytes/);
    // Wire type 7 does not exist.
    expect(() => readFields(new Uint8Array([0x0f]))).toThrow(/invalid wire type 7/);
    // Field number 0.
    expect(() => readFields(new Uint8Array([0x00]))).toThrow(/field number 0/);
    expect(() => readFields(new Uint8Array([0x0d, 1, 2]))).toThrow(WireError);
  });
});
