/** A tensor as it crosses the worker boundary: a plain typed array (transferred) and its dims. */
export interface PlainTensor {
  data: Float32Array;
  dims: number[];
}

export type TensorMap = Record<string, PlainTensor>;

export function transferables(map: TensorMap): ArrayBuffer[] {
  return Object.values(map).map((t) => t.data.buffer as ArrayBuffer);
}
