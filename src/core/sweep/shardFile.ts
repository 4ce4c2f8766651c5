/**
 * A shard's features in one file: the magic "DPSHARD1", a little-endian u32 header length, the
 * header (JSON: t, the rows' item paths, the items that could not be decoded, each block's row
 * shape), zero padding to a multiple of 4 bytes, then each block's float32 rows [n, C, p, p] in
 * header order (little-endian).
 */

export interface ShardBlock {
  index: number;
  /** The shape of one row, e.g. [C, p, p]. */
  shape: number[];
  data: Float32Array;
}

export interface ShardFeatures {
  t: number;
  /** Item paths of the rows, in order. */
  rows: string[];
  /** Items of the shard that could not be decoded. */
  failed: { path: string; reason: string }[];
  blocks: ShardBlock[];
}

const MAGIC = 'DPSHARD1';

/** Float32Array's own byte order is the file's (little-endian): rows copy as bytes. */
const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

function rowSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function encodeShard(s: ShardFeatures): Uint8Array {
  for (const b of s.blocks)
    if (b.data.length !== s.rows.length * rowSize(b.shape))
      throw new RangeError(`block ${b.index}: ${b.data.length} values for ${s.rows.length} rows`);
  const header = new TextEncoder().encode(
    JSON.stringify({
      t: s.t,
      rows: s.rows,
      failed: s.failed,
      blocks: s.blocks.map((b) => ({ index: b.index, shape: b.shape })),
    }),
  );
  const start = Math.ceil((12 + header.length) / 4) * 4;
  const total = start + s.blocks.reduce((a, b) => a + b.data.length * 4, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let at = start;
  for (const b of s.blocks) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength), at);
      at += b.data.byteLength;
    } else {
      for (let i = 0; i < b.data.length; i++, at += 4) view.setFloat32(at, b.data[i]!, true);
    }
  }
  return out;
}

/**
 * Reads a shard file; with `only`, just those blocks' rows (the others are skipped, so a sweep
 * can train block by block without holding every block of every image at once).
 */
export function decodeShard(bytes: Uint8Array, only?: ReadonlySet<number>): ShardFeatures {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new RangeError('not a diffprobe shard file');
  const n = view.getUint32(8, true);
  if (12 + n > bytes.length) throw new RangeError('the shard file is cut short');
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))) as {
    t: number;
    rows: string[];
    failed: { path: string; reason: string }[];
    blocks: { index: number; shape: number[] }[];
  };
  let at = Math.ceil((12 + n) / 4) * 4;
  const blocks: ShardBlock[] = [];
  for (const b of h.blocks) {
    const count = h.rows.length * rowSize(b.shape);
    if (at + count * 4 > bytes.length) throw new RangeError('the shard file is cut short');
    if (only && !only.has(b.index)) {
      at += count * 4;
      continue;
    }
    let data: Float32Array;
    if (LITTLE_ENDIAN) {
      const from = bytes.byteOffset + at;
      data = new Float32Array(bytes.buffer.slice(from, from + count * 4));
      at += count * 4;
    } else {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++, at += 4) data[i] = view.getFloat32(at, true);
    }
    blocks.push({ index: b.index, shape: b.shape, data });
  }
  if (at !== bytes.length) throw new RangeError('the shard file has trailing bytes');
  return { t: h.t, rows: h.rows, failed: h.failed, blocks };
}
