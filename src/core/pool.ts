/** Adaptive average pooling with PyTorch's bins (torch.nn.functional.adaptive_avg_pool2d). */

/** Bin i of n over a length-`size` axis: [floor(i·size/n), ceil((i+1)·size/n)). */
export function adaptiveBin(i: number, n: number, size: number): [number, number] {
  return [Math.floor((i * size) / n), Math.ceil(((i + 1) * size) / n)];
}

/**
 * Pools data of shape [N, C, H, W] (row-major) to [N, C, p, p]. Bins overlap when p does not
 * divide H or W, exactly as in PyTorch. Sums are accumulated in float64.
 */
export function adaptiveAvgPool2d(
  data: Float32Array,
  shape: readonly [number, number, number, number],
  p: number,
): Float32Array {
  const [N, C, H, W] = shape;
  for (const [name, v] of [
    ['N', N],
    ['C', C],
    ['H', H],
    ['W', W],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`${name} must be an integer ≥ 1, got ${v}`);
  }
  if (!Number.isInteger(p) || p < 1) throw new RangeError(`p must be an integer ≥ 1, got ${p}`);
  if (data.length !== N * C * H * W) {
    throw new RangeError(
      `data has ${data.length} values, shape [${shape.join(', ')}] needs ${N * C * H * W}`,
    );
  }
  const rows = Array.from({ length: p }, (_, i) => adaptiveBin(i, p, H));
  const cols = Array.from({ length: p }, (_, j) => adaptiveBin(j, p, W));
  const out = new Float32Array(N * C * p * p);
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < p; i++) {
      const [r0, r1] = rows[i]!;
      for (let j = 0; j < p; j++) {
        const [c0, c1] = cols[j]!;
        let sum = 0;
        for (let r = r0; r < r1; r++) {
          const row = base + r * W;
          for (let c = c0; c < c1; c++) sum += data[row + c]!;
        }
        out[(plane * p + i) * p + j] = sum / ((r1 - r0) * (c1 - c0));
      }
    }
  }
  return out;
}
