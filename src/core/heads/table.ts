/** Feature rows for a head: one block's pooled activations, [n, C·p·p] row-major. */
export interface FeatureTable {
  n: number;
  /** Per-item shape [C, p, p]. */
  shape: [number, number, number];
  data: Float32Array;
}

export function emptyTable(n: number, shape: [number, number, number]): FeatureTable {
  return { n, shape, data: new Float32Array(n * shape[0] * shape[1] * shape[2]) };
}

/** Copies a batch [b, C, p, p] into rows offset … offset + b − 1. */
export function placeRows(table: FeatureTable, offset: number, batch: Float32Array): void {
  const d = table.shape[0] * table.shape[1] * table.shape[2];
  if (batch.length % d !== 0)
    throw new RangeError(`a batch of ${batch.length} is not rows of ${d}`);
  if (offset < 0 || offset + batch.length / d > table.n)
    throw new RangeError(`rows ${offset}… do not fit a table of ${table.n}`);
  table.data.set(batch, offset * d);
}

/** Rows `idx` of x [n, d] into a new [idx.length, d] array. */
export function gatherRows(x: Float32Array, d: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    out.set(x.subarray(r * d, r * d + d), i * d);
  }
  return out;
}
