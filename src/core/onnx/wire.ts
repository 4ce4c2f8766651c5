/**
 * A minimal protocol-buffers wire-format reader and writer (no schema, no code generation, no
 * eval). The reader keeps the byte range of every field, so a message that is not changed can be
 * copied into a new one verbatim (`Writer.raw`), without decoding and re-encoding it. The writer
 * collects chunks and concatenates them once at the end, so copying a 100 MB initializer costs one
 * copy.
 *
 * Varints are decoded as two 32-bit halves (lo, hi); `int64` values become numbers (exact up to
 * 2^53) or BigInts. Negative int32/int64 values are 10-byte varints (two's complement), as
 * protobuf writes them.
 */

/** The wire types of the protobuf encoding. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  Len: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** A malformed protobuf message: the offset says where in the buffer it went wrong. */
export class WireError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`at byte ${offset}: ${message}`);
    this.name = 'WireError';
    this.offset = offset;
  }
}

/** One field of a message, located in the buffer it was read from. */
export interface WireField {
  /** Field number. */
  readonly field: number;
  readonly wireType: WireType;
  /** Offset of the tag: `buf.subarray(start, end)` is the whole field, tag included. */
  readonly start: number;
  /** Offset just past the field. */
  readonly end: number;
  /** Offset of the payload: a length-delimited field's content, a varint's or fixed value's bytes. */
  readonly valueStart: number;
  /** Offset just past the payload. */
  readonly valueEnd: number;
  /** A varint's low 32 bits (unsigned); 0 for other wire types. */
  readonly lo: number;
  /** A varint's high 32 bits (unsigned); 0 for other wire types. */
  readonly hi: number;
}

const TWO_32 = 4294967296;

/** Reads a varint at `pos`; returns the two 32-bit halves and the offset after it. */
export function readVarint(
  buf: Uint8Array,
  pos: number,
  end: number = buf.length,
): { lo: number; hi: number; next: number } {
  let lo = 0;
  let shift = 0;
  let p = pos;
  // Bytes 0..3 fill bits 0..27 of lo.
  for (; shift < 28; shift += 7) {
    if (p >= end) throw new WireError('varint runs past the end of the message', pos);
    const b = buf[p++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) return { lo: lo >>> 0, hi: 0, next: p };
  }
  // Byte 4: bits 28..31 of lo and bits 0..2 of hi.
  if (p >= end) throw new WireError('varint runs past the end of the message', pos);
  let b = buf[p++]!;
  lo |= (b & 0x0f) << 28;
  let hi = (b & 0x7f) >> 4;
  if (b < 0x80) return { lo: lo >>> 0, hi, next: p };
  // Bytes 5..9: bits 3..31 of hi (the 10th byte carries only bit 63).
  for (shift = 3; shift < 32; shift += 7) {
    if (p >= end) throw new WireError('varint runs past the end of the message', pos);
    b = buf[p++]!;
    hi |= (b & 0x7f) << shift;
    if (b < 0x80) return { lo: lo >>> 0, hi: hi >>> 0, next: p };
  }
  throw new WireError('varint longer than 10 bytes', pos);
}

/** An unsigned 64-bit value from its halves, as a number (exact below 2^53). */
export function uint64ToNumber(lo: number, hi: number): number {
  return hi * TWO_32 + (lo >>> 0);
}

/** A signed (two's complement) 64-bit value from its halves, as a number (exact within ±2^53). */
export function int64ToNumber(lo: number, hi: number): number {
  if (hi & 0x80000000) {
    // −(~v + 1), computed on the halves.
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * TWO_32 + nlo);
  }
  return hi * TWO_32 + (lo >>> 0);
}

/** A signed 64-bit value from its halves, as a BigInt (always exact). */
export function int64ToBigInt(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/** An unsigned 64-bit value from its halves, as a BigInt. */
export function uint64ToBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Splits a 64-bit integer (number or BigInt, signed or unsigned) into two's-complement halves. */
export function splitInt64(value: number | bigint): { lo: number; hi: number } {
  if (typeof value === 'bigint') {
    const v = BigInt.asUintN(64, value);
    return { lo: Number(v & 0xffffffffn), hi: Number(v >> 32n) };
  }
  if (!Number.isInteger(value)) throw new RangeError(`not an integer: ${value}`);
  if (value >= 0) {
    return { lo: (value % TWO_32) >>> 0, hi: Math.floor(value / TWO_32) >>> 0 };
  }
  if (!Number.isSafeInteger(value)) return splitInt64(BigInt(value));
  const a = -value;
  const lo = (a % TWO_32) >>> 0;
  const hi = Math.floor(a / TWO_32) >>> 0;
  // Two's complement: ~a + 1.
  const nlo = (~lo + 1) >>> 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
  return { lo: nlo, hi: nhi };
}

/** Reads one field at `pos` (bounded by `end`); groups are skipped as a whole. */
export function readField(buf: Uint8Array, pos: number, end: number): WireField {
  const start = pos;
  const tag = readVarint(buf, pos, end);
  if (tag.hi !== 0) throw new WireError('field tag out of range', start);
  const field = tag.lo >>> 3;
  const wt = tag.lo & 7;
  if (field === 0) throw new WireError('invalid field number 0', start);
  let p = tag.next;
  switch (wt) {
    case WireType.Varint: {
      const v = readVarint(buf, p, end);
      return {
        field,
        wireType: wt,
        start,
        end: v.next,
        valueStart: p,
        valueEnd: v.next,
        lo: v.lo,
        hi: v.hi,
      };
    }
    case WireType.Fixed64:
      if (p + 8 > end) throw new WireError(`fixed64 field ${field} runs past the end`, start);
      return {
        field,
        wireType: wt,
        start,
        end: p + 8,
        valueStart: p,
        valueEnd: p + 8,
        lo: 0,
        hi: 0,
      };
    case WireType.Fixed32:
      if (p + 4 > end) throw new WireError(`fixed32 field ${field} runs past the end`, start);
      return {
        field,
        wireType: wt,
        start,
        end: p + 4,
        valueStart: p,
        valueEnd: p + 4,
        lo: 0,
        hi: 0,
      };
    case WireType.Len: {
      const len = readVarint(buf, p, end);
      const n = uint64ToNumber(len.lo, len.hi);
      p = len.next;
      if (n > end - p) {
        throw new WireError(`field ${field} declares ${n} bytes but only ${end - p} remain`, start);
      }
      return {
        field,
        wireType: wt,
        start,
        end: p + n,
        valueStart: p,
        valueEnd: p + n,
        lo: 0,
        hi: 0,
      };
    }
    case WireType.StartGroup: {
      // Skip nested fields until the matching end-group tag. Nested groups are kept on a stack,
      // not followed by recursion, so no nesting depth can overflow the call stack.
      const open = [field];
      let q = p;
      for (;;) {
        if (q >= end) throw new WireError(`group ${field} is not closed`, start);
        const t = readVarint(buf, q, end);
        const twt = t.lo & 7;
        const tf = t.lo >>> 3;
        if (twt === WireType.EndGroup) {
          const top = open.pop()!;
          if (tf !== top || t.hi !== 0) throw new WireError(`mismatched end of group ${top}`, q);
          if (open.length === 0) {
            return {
              field,
              wireType: wt,
              start,
              end: t.next,
              valueStart: p,
              valueEnd: q,
              lo: 0,
              hi: 0,
            };
          }
          q = t.next;
        } else if (twt === WireType.StartGroup) {
          if (t.hi !== 0 || tf === 0) throw new WireError('field tag out of range', q);
          open.push(tf);
          q = t.next;
        } else {
          q = readField(buf, q, end).end;
        }
      }
    }
    default:
      throw new WireError(`invalid wire type ${wt} for field ${field}`, start);
  }
}

/** Reads all fields of the message in `buf[start, end)`, in order. */
export function readFields(buf: Uint8Array, start = 0, end = buf.length): WireField[] {
  const out: WireField[] = [];
  let p = start;
  while (p < end) {
    const f = readField(buf, p, end);
    out.push(f);
    p = f.end;
  }
  return out;
}

/** Calls `fn` for each field of the message in `buf[start, end)` without collecting them. */
export function forEachField(
  buf: Uint8Array,
  start: number,
  end: number,
  fn: (f: WireField) => void,
): void {
  let p = start;
  while (p < end) {
    const f = readField(buf, p, end);
    fn(f);
    p = f.end;
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** A length-delimited field's content as a UTF-8 string. */
export function fieldString(buf: Uint8Array, f: WireField): string {
  if (f.wireType !== WireType.Len) throw new WireError(`field ${f.field} is not a string`, f.start);
  return utf8Decoder.decode(buf.subarray(f.valueStart, f.valueEnd));
}

/** A length-delimited field's content (a view, not a copy). */
export function fieldBytes(buf: Uint8Array, f: WireField): Uint8Array {
  if (f.wireType !== WireType.Len) throw new WireError(`field ${f.field} is not bytes`, f.start);
  return buf.subarray(f.valueStart, f.valueEnd);
}

/** An int64/int32 varint field as a signed number (int32 negatives are 10-byte varints too). */
export function fieldInt(f: WireField): number {
  if (f.wireType !== WireType.Varint) {
    throw new WireError(`field ${f.field} is not a varint`, f.start);
  }
  return int64ToNumber(f.lo, f.hi);
}

/** A uint64/uint32 varint field as a number (exact below 2^53). */
export function fieldUint(f: WireField): number {
  if (f.wireType !== WireType.Varint) {
    throw new WireError(`field ${f.field} is not a varint`, f.start);
  }
  return uint64ToNumber(f.lo, f.hi);
}

/** A varint field as a signed BigInt. */
export function fieldBigInt(f: WireField): bigint {
  if (f.wireType !== WireType.Varint) {
    throw new WireError(`field ${f.field} is not a varint`, f.start);
  }
  return int64ToBigInt(f.lo, f.hi);
}

/** A fixed32 field as a float32. */
export function fieldFloat(buf: Uint8Array, f: WireField): number {
  if (f.wireType !== WireType.Fixed32) {
    throw new WireError(`field ${f.field} is not fixed32`, f.start);
  }
  return new DataView(buf.buffer, buf.byteOffset + f.valueStart, 4).getFloat32(0, true);
}

/** A fixed64 field as a float64. */
export function fieldDouble(buf: Uint8Array, f: WireField): number {
  if (f.wireType !== WireType.Fixed64) {
    throw new WireError(`field ${f.field} is not fixed64`, f.start);
  }
  return new DataView(buf.buffer, buf.byteOffset + f.valueStart, 8).getFloat64(0, true);
}

/**
 * A repeated int64 field's values, whether packed (one length-delimited field) or not (one varint
 * field per value): pass every occurrence of the field.
 */
export function repeatedInts(buf: Uint8Array, fields: readonly WireField[]): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.wireType === WireType.Varint) {
      out.push(int64ToNumber(f.lo, f.hi));
    } else if (f.wireType === WireType.Len) {
      let p = f.valueStart;
      while (p < f.valueEnd) {
        const v = readVarint(buf, p, f.valueEnd);
        out.push(int64ToNumber(v.lo, v.hi));
        p = v.next;
      }
    } else {
      throw new WireError(`field ${f.field} is not a repeated integer`, f.start);
    }
  }
  return out;
}

export { Writer } from './wireWriter';
