/** Writing protobuf messages: the other half of wire.ts. */
import { splitInt64, WireType, type WireField } from './wire';

const utf8Encoder = new TextEncoder();

/**
 * Builds a message from chunks: small values go into a scratch buffer, large byte arrays (copied
 * fields, nested messages) are kept by reference until `finish()` concatenates everything once.
 */
export class Writer {
  private chunks: Uint8Array[] = [];
  private scratch: Uint8Array = new Uint8Array(256);
  private pos = 0;
  private flushed = 0;

  /** Total bytes written so far. */
  get length(): number {
    return this.flushed + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.scratch.length) return;
    this.flush();
    if (n > this.scratch.length) this.scratch = new Uint8Array(Math.max(n, 256));
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.scratch.slice(0, this.pos));
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** Writes a varint from two 32-bit halves. */
  varint64(lo: number, hi: number): this {
    this.ensure(10);
    let l = lo >>> 0;
    let h = hi >>> 0;
    while (h !== 0 || l > 0x7f) {
      this.scratch[this.pos++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    this.scratch[this.pos++] = l;
    return this;
  }

  /** Writes an unsigned or signed integer as a varint (negatives take 10 bytes). */
  varint(value: number | bigint): this {
    const { lo, hi } = splitInt64(value);
    return this.varint64(lo, hi);
  }

  /** Writes a field tag. */
  tag(field: number, wireType: WireType): this {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) {
      throw new RangeError(`invalid field number ${field}`);
    }
    return this.varint64(((field << 3) | wireType) >>> 0, field >>> 29);
  }

  /** A varint field (int32, int64, uint64, enum, bool). */
  int(field: number, value: number | bigint | boolean): this {
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    return this.tag(field, WireType.Varint).varint(v);
  }

  /** A fixed32 field holding a float32. */
  float(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    this.ensure(4);
    new DataView(this.scratch.buffer).setFloat32(this.pos, value, true);
    this.pos += 4;
    return this;
  }

  /** A fixed32 field holding an unsigned 32-bit integer. */
  fixed32(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    this.ensure(4);
    new DataView(this.scratch.buffer).setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
    return this;
  }

  /** A fixed64 field holding a float64. */
  double(field: number, value: number): this {
    this.tag(field, WireType.Fixed64);
    this.ensure(8);
    new DataView(this.scratch.buffer).setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  /** A fixed64 field holding a 64-bit integer (two's complement). */
  fixed64(field: number, value: number | bigint): this {
    const { lo, hi } = splitInt64(value);
    this.tag(field, WireType.Fixed64);
    this.ensure(8);
    const dv = new DataView(this.scratch.buffer);
    dv.setUint32(this.pos, lo, true);
    dv.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
    return this;
  }

  /** A length-delimited field with the given content (kept by reference until `finish`). */
  bytes(field: number, content: Uint8Array): this {
    this.tag(field, WireType.Len).varint(content.length);
    return this.raw(content);
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, utf8Encoder.encode(value));
  }

  /** A nested message field whose content is another writer's output (its chunks are reused). */
  message(field: number, content: Writer | ((w: Writer) => void)): this {
    let sub: Writer;
    if (typeof content === 'function') {
      sub = new Writer();
      content(sub);
    } else {
      sub = content;
    }
    sub.flush();
    this.tag(field, WireType.Len).varint(sub.length);
    this.flush();
    for (const c of sub.chunks) this.chunks.push(c);
    this.flushed += sub.flushed;
    return this;
  }

  /** Appends another writer's fields as they are (no tag, no length): e.g. a list of fields. */
  append(other: Writer): this {
    other.flush();
    this.flush();
    for (const c of other.chunks) this.chunks.push(c);
    this.flushed += other.flushed;
    return this;
  }

  /** Packed repeated varints (e.g. `repeated int64 dims = 1 [packed = true]`). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const sub = new Writer();
    for (const v of values) sub.varint(v);
    return this.message(field, sub);
  }

  /** Appends bytes as they are: a copied field (tag included) or pre-encoded content. */
  raw(bytes: Uint8Array): this {
    if (bytes.length <= 64) {
      this.ensure(bytes.length);
      this.scratch.set(bytes, this.pos);
      this.pos += bytes.length;
    } else {
      this.flush();
      this.chunks.push(bytes);
      this.flushed += bytes.length;
    }
    return this;
  }

  /** Copies a field read from `buf` verbatim (tag, length and content). */
  copy(buf: Uint8Array, f: WireField): this {
    return this.raw(buf.subarray(f.start, f.end));
  }

  /** The encoded message. */
  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0]!.slice();
    const out = new Uint8Array(this.flushed);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}
